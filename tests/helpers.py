"""Assertions shared by the suite."""

from __future__ import annotations

import time


def assert_error(response, status: int, code: str | None = None,
                 field: str | None = None) -> dict:
    """The one JSON error shape: {"error": {"code", "message", "fields"}} with this status."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/json", response.mimetype
    body = response.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["fields"], dict), error
    if code is not None:
        assert error["code"] == code, error
    if field is not None:
        assert field in error["fields"], error
    return error


def wait_until(target, expression: str, timeout: float = 10.0) -> None:
    """Wait until a JavaScript expression is true in a Playwright page or frame.

    Polled from here: Playwright's wait_for_function evaluates its text with eval inside the
    page once it has to poll, and the widget's and dashboard's Content-Security-Policy (no
    'unsafe-eval') refuses that, so it failed whenever the condition was not true at once.
    """
    deadline = time.monotonic() + timeout
    while not target.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {expression}")
        time.sleep(0.05)


def run_queued(app) -> int:
    """Run what requests put on the app's queue, as the worker would; how many tasks ran."""
    from server.jobs.queue import queue_of

    queue, ran = queue_of(app), 0
    while (task := queue.dequeue()) is not None:
        queue.execute(task)
        ran += 1
    return ran
