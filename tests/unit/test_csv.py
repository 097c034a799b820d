"""The pure parts of the CSV export: neutralised cells, rows, dialects, the file name."""

import csv
import datetime as dt
import io

import pytest

from server.reports.export import DIALECTS, cells, dutch_time, header, neutralise


@pytest.mark.parametrize(("value", "shown"), [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://x","y")', "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+31612345678", "'+31612345678"),
    ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tverborgen", "'\tverborgen"),
    ("\rregel", "'\rregel"),
    ("\uff1d1+1", "'\uff1d1+1"),
    # Whatever a spreadsheet skips before a formula: spaces, controls, format characters.
    (" =1+1", "' =1+1"),
    ("  \t@SUM(A1)", "'  \t@SUM(A1)"),
    ("\n+1", "'\n+1"),
    ("\x01\x1f-1", "'\x01\x1f-1"),
    ("\xa0=1", "'\xa0=1"),
    ("\u200b\u202e=1", "'\u200b\u202e=1"),
    ("\ufeff=1", "'\ufeff=1"),
    ("\u3000\uff0b1", "'\u3000\uff0b1"),
    # Look-alikes: full-width, small forms and the minus sign.
    ("\uff0b31", "'\uff0b31"),
    ("\uff0d1", "'\uff0d1"),
    ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
    ("\ufe66A1", "'\ufe66A1"),
    ("\u22121", "'\u22121"),
    (" gewoon goed", " gewoon goed"),
    ("\u3000", "\u3000"),
    ("   ", "   "),
    ("Gewoon = goed", "Gewoon = goed"),
    ("'al geciteerd", "'al geciteerd"),
    ("", ""),
    (None, ""),
])
def test_neutralise(value, shown):
    assert neutralise(value) == shown


ROW = (7, dt.datetime(2026, 5, 4, 21, 30), 9, "=2+2", "checkout", None, "A-1", "nl",
       '["delivery","fietsen"]', "contacted", dt.datetime(2026, 1, 15, 8, 0), 2,
       "-klant@example.nl")


def test_cells_standard():
    assert cells(ROW, "nps", "standard", False) == [
        7, "2026-05-04T21:30:00Z", 9, "promotor", "'=2+2", "checkout", "", "A-1", "nl",
        "delivery, fietsen", "contacted"]
    assert cells(ROW, "nps", "standard", True)[-3:] == [
        "2026-01-15T08:00:00Z", 2, "'-klant@example.nl"]


def test_cells_excel_nl_use_amsterdam_time():
    assert cells(ROW, "nps", "excel-nl", True)[1] == "04-05-2026 23:30"
    assert cells(ROW, "nps", "excel-nl", True)[-3] == "15-01-2026 09:00"
    assert dutch_time(None) == ""


@pytest.mark.parametrize(("score", "group"), [(0, "criticaster"), (6, "criticaster"),
                                              (7, "passief"), (8, "passief"), (9, "promotor"),
                                              (10, "promotor")])
def test_nps_groups_in_dutch(score, group):
    assert cells((1, ROW[1], score, *ROW[3:]), "nps", "standard", False)[3] == group


def test_other_metrics_have_no_group():
    assert cells((1, ROW[1], 5, *ROW[3:]), "csat", "standard", False)[3] == ""


def test_themes_and_follow_up_in_dutch_excel():
    names = {"delivery": "Levering"}
    row = cells(ROW, "nps", "excel-nl", False, names)
    # A theme the owner has since removed keeps its id; the state reads as the inbox's.
    assert row[-2:] == ["Levering, fietsen", "Contact opgenomen"]
    empty = cells((*ROW[:8], None, None, *ROW[10:]), "nps", "excel-nl", False, names)
    assert empty[-2:] == ["", ""]
    assert header(False, "excel-nl")[-2:] == ("Thema's", "Opvolging")


def test_a_theme_name_cannot_run_as_a_formula():
    assert cells(ROW, "nps", "excel-nl", False, {"delivery": "=Levering"})[-2] == (
        "'=Levering, fietsen")


def test_dialects_round_trip():
    for name, delimiter in (("standard", ","), ("excel-nl", ";")):
        out = io.StringIO(newline="")
        writer = csv.writer(out, dialect=DIALECTS[name])
        writer.writerow(header(True))
        writer.writerow(cells(ROW, "nps", name, True))
        rows = list(csv.reader(io.StringIO(out.getvalue(), newline=""), delimiter=delimiter))
        assert rows[0][-1] == "contact" and rows[1][4] == "'=2+2" and len(rows[1]) == 14
