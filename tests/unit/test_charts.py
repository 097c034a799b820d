"""SVG charts: valid, accessible, honest about gaps and empty data, no inline styles."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from server.core.charts import Bar, Point, Text, axis_range, bar_chart, line_chart, nice_step

SVG = "{http://www.w3.org/2000/svg}"
TEXT = Text(title="NPS per maand", desc="Van jan tot mrt.", no_data="Nog geen antwoorden",
            columns=["Maand", "Score", "Antwoorden"], target="doel +30",
            low_sample="open punt: minder dan 30 antwoorden",
            groups={"detractor": "criticasters (0-6)", "passive": "passief tevredenen (7-8)",
                    "promoter": "promotors (9-10)"})


def parts(markup: str) -> tuple[ET.Element, str]:
    """The SVG element (parsed) and the table that follows it."""
    svg = markup[markup.index("<svg"):markup.index("</svg>") + 6]
    return ET.fromstring(svg), markup[markup.index("<table"):]


def labels(root: ET.Element) -> str:
    return " ".join(t.text or "" for t in root.iter(f"{SVG}text"))


def assert_accessible(root: ET.Element, chart_id: str) -> None:
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert root.find(f"{SVG}title").get("id") == f"{chart_id}-title"
    assert root.find(f"{SVG}title").text == TEXT.title
    assert root.find(f"{SVG}desc").text == TEXT.desc


POINTS = [Point("jan 2025", -12.0, 40), Point("feb 2025", None, 0),
          Point("mrt 2025", 8.5, 12, low_sample=True)]


def test_line_chart_is_valid_accessible_svg_with_a_data_table():
    markup = line_chart(POINTS, chart_id="trend", text=TEXT, bounds=(-100, 100), target=30)
    root, table = parts(markup)
    assert_accessible(root, "trend")
    assert "<th scope=\"row\">jan 2025</th><td>-12</td><td>40</td>" in table
    assert "<th scope=\"row\">feb 2025</th><td>–</td><td>0</td>" in table
    assert '<div class="visually-hidden"><table>' in markup  # hidden, read by screen readers
    assert "doel +30" in labels(root)


def test_a_period_without_answers_breaks_the_line():
    root, _ = parts(line_chart(POINTS, chart_id="trend", text=TEXT, bounds=(-100, 100)))
    path = root.find(f"{SVG}path").get("d")
    assert path.count("M") == 2 and "L" not in path
    circles = root.findall(f"{SVG}circle")
    assert len([c for c in circles if "chart-point-low" in c.get("class")]) == 2  # + legend
    assert "minder dan 30" in labels(root)


def test_target_line_lies_where_the_target_is():
    root, _ = parts(line_chart([Point("a", 0, 50), Point("b", 50, 50)], chart_id="t",
                               text=TEXT, bounds=(-100, 100), target=50))
    target = root.find(f"{SVG}line[@class='chart-target']")
    points = root.findall(f"{SVG}circle")
    assert float(target.get("y1")) == pytest.approx(float(points[1].get("cy")))


@pytest.mark.parametrize("chart", ["line", "bar"])
def test_empty_data_says_so_instead_of_failing(chart):
    if chart == "line":
        markup = line_chart([Point("jan", None, 0)], chart_id="trend", text=TEXT,
                            bounds=(-100, 100))
    else:
        markup = bar_chart([Bar(str(i), 0, "detractor") for i in range(3)],
                           chart_id="dist", text=TEXT)
    root, table = parts(markup)
    assert TEXT.no_data in labels(root)
    assert TEXT.no_data in table
    assert root.find(f"{SVG}title").text == TEXT.title
    assert line_chart([], chart_id="trend", text=TEXT, bounds=(0, 100))


def test_bar_chart_groups_by_text_and_pattern_not_colour_alone():
    bars = [Bar(str(i), count, group) for i, (count, group) in enumerate(
        [(3, "detractor"), (0, "detractor"), (5, "passive"), (9, "promoter")])]
    root, table = parts(bar_chart(bars, chart_id="dist", text=TEXT))
    assert_accessible(root, "dist")
    pattern_ids = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert pattern_ids == {"dist-detractor", "dist-passive", "dist-promoter"}
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if "chart-bar" in
             (r.get("class") or "")]
    assert "url(#dist-detractor)" in fills and "url(#dist-promoter)" in fills
    text = labels(root)
    for name in TEXT.groups.values():
        assert name in text and name in table  # the legend and the table name each group
    assert "<td>criticasters (0-6)</td><td>3</td><td>18%</td>" in table


def test_text_is_escaped_and_no_style_attributes_are_used():
    hostile = Text(title="<script>x</script>", desc='"&', no_data="-", columns=["<b>"])
    markup = str(line_chart([Point("<i>", 1, 1)], chart_id="x", text=hostile, bounds=(1, 7)))
    markup += str(bar_chart([Bar("<i>", 1, "promoter")], chart_id="y", text=hostile))
    assert "<script>" not in markup and "<b>" not in markup and "<i>" not in markup
    assert "&lt;script&gt;" in markup
    assert not re.search(r"\sstyle=", markup)
    assert "<style" not in markup


def test_chart_ids_must_be_plain_names():
    with pytest.raises(ValueError):
        line_chart(POINTS, chart_id='x" onload="alert(1)', text=TEXT, bounds=(0, 100))


def test_axis_is_rounded_and_stays_in_the_scale():
    low, high, step = axis_range([-12, 8.5, 30], (-100, 100))
    assert low <= -12 and high >= 30 and -100 <= low and high <= 100
    assert step in (5, 10, 20, 25)
    assert axis_range([6.9, 7.0], (1, 7))[1] == 7
    assert nice_step(0) == 1
