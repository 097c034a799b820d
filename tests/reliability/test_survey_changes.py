"""A change to a survey reaches every worker of a live server at once.

The workers keep survey rows in memory (widget.SurveyRows); another process's change, here
the test's own, must be seen by the very next request, whichever worker takes it.
"""

from __future__ import annotations

from server.models import Survey

from .conftest import make_survey, opened
from .live import Visitor, instance

VISITORS = 8  # one connection each: gunicorn spreads them over both workers


def pages(visitors: list[Visitor], base: str, survey: str) -> list[tuple[int, str]]:
    return [(status, body.decode()) for status, body in
            (v.request(base, "GET", f"/w/{survey}", headers={"Accept": "text/html"})
             for v in visitors)]


def test_every_worker_sees_a_change_at_once(backend_url, tmp_path):
    server = instance(tmp_path, backend_url, workers=2)
    survey = make_survey(backend_url)
    server.start()
    visitors = [Visitor() for _ in range(VISITORS)]
    try:
        for _ in range(3):  # every worker has read and kept the row
            assert {status for status, _ in pages(visitors, server.url, survey)} == {200}
        tokens = [v.token(server.url, survey) for v in visitors]

        with opened(backend_url):
            Survey.update(question_nl="Hoe ging het afrekenen?").where(
                Survey.id == survey).execute()
        seen = pages(visitors, server.url, survey)
        assert all(status == 200 and "Hoe ging het afrekenen?" in body
                   for status, body in seen), [status for status, _ in seen]

        with opened(backend_url):
            closed = Survey.get_by_id(survey)
            closed.active = False
            closed.save()
        assert [status for status, _ in pages(visitors, server.url, survey)] == [404] * VISITORS
        # Forms shown before it closed are refused too, and nothing is stored.
        answers = [v.answer(server.url, survey, token, 8) for v, token in zip(
            visitors, tokens, strict=True)]
        assert [a.status for a in answers] == [404] * VISITORS
    finally:
        for visitor in visitors:
            visitor.close()
        server.stop()
