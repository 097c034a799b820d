"""/healthz answers 200 with a working database and 503 with a reason without one."""

from server import db as database


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_database_down_is_503(client):
    database.db.close()
    # Nothing listens on port 9: the connection is refused at once.
    database.bind(database.open_database("postgresql://postgres@127.0.0.1:9/none"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert "database" in response.get_json()["reason"]
