"""Assertions shared by the suite."""

from __future__ import annotations


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
