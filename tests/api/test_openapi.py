"""GET /api/v1/openapi.json: a valid OpenAPI 3 document describing every route."""

from openapi_spec_validator import validate

from server.api.openapi import documented_rules


def test_document_is_valid_openapi(client):
    response = client.get("/api/v1/openapi.json")  # no token needed
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer",
        "description": "An API token of one site, scope `read` or `export`."}
    assert document["security"] == [{"bearer": []}]


def test_every_route_is_documented(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    routes = list(documented_rules(app))
    assert len(routes) >= 11
    for path, endpoint, method, view in routes:
        operation = document["paths"][path][method]
        assert operation["summary"] == view.__doc__.strip().splitlines()[0], endpoint
        assert operation["responses"], endpoint
    api_rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert len(api_rules) == len([p for p in document["paths"] if p.startswith("/api/v1")])
    assert "/healthz" in document["paths"]


def test_errors_and_parameters_are_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    error = document["components"]["schemas"]["Error"]
    assert error["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert set(document["components"]["schemas"]["ErrorDetail"]["properties"]) == {
        "code", "message", "fields"}
    score = document["paths"]["/api/v1/surveys/{survey_id}/score"]["get"]
    names = {p["name"] for p in score["parameters"]}
    assert names == {"survey_id", "from", "to", "touchpoint", "segment", "interval", "compare"}
    interval = next(p for p in score["parameters"] if p["name"] == "interval")
    assert interval["schema"]["enum"] == ["day", "week", "month"]
    assert set(score["responses"]) == {"200", "401", "404", "422"}
    csv_names = {p["name"] for p in
                 document["paths"]["/api/v1/surveys/{survey_id}/responses.csv"]["get"][
                     "parameters"]}
    assert {"dialect", "from", "to", "touchpoint", "segment"} <= csv_names
    unauthorized = document["components"]["responses"]["Unauthorized"]
    assert "WWW-Authenticate" in unauthorized["headers"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            secured = operation.get("security", document["security"])
            if secured:
                assert "401" in operation["responses"], (path, method)
    assert document["paths"]["/healthz"]["get"]["security"] == []
    assert "503" in document["paths"]["/healthz"]["get"]["responses"]
