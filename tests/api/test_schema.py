"""The OpenAPI schema is complete: every endpoint, its parameters, request and responses (the
problems included, as application/problem+json), with examples; served at /api/v1/schema/."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import token_client

EXPECTED_PATHS = {
    "/api/v1/projects/",
    "/api/v1/projects/{project_id}/",
    "/api/v1/projects/{project_id}/stages/{stage_key}/items/",
    "/api/v1/projects/{project_id}/items/{item_key}/answer/",
    "/api/v1/projects/{project_id}/items/{item_key}/signoff/",
    "/api/v1/projects/{project_id}/request-approval/",
    "/api/v1/projects/{project_id}/transitions/{action}/",
    "/api/v1/projects/{project_id}/history/",
    "/api/v1/projects/{project_id}/dossiers/",
    "/api/v1/projects/{project_id}/dossiers/{version_id}/download/",
    "/api/v1/projects/{project_id}/requirements.docx",
    "/api/v1/projects/{project_id}/validation/{stage_key}/uploads/",
    "/api/v1/projects/{project_id}/monitoring/periods/",
    "/api/v1/ask/",
}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_endpoint_is_in_the_schema(schema):
    assert set(schema["paths"]) == EXPECTED_PATHS


def test_every_operation_is_documented(schema):
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        assert operation["security"] == [{"apiToken": []}, {"cookieAuth": []}], where
        successes = [code for code in operation["responses"] if code.startswith("2")]
        assert len(successes) == 1, where
        success = operation["responses"][successes[0]]
        assert success.get("content"), where
        for code in ("401", "403", "404", "429"):
            content = operation["responses"][code]["content"]
            assert list(content) == ["application/problem+json"], (where, code)
        if method != "get":
            assert "422" in operation["responses"], where
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"].get("type") in ("integer", "string"), where


def test_writes_document_their_request_bodies(schema):
    for path, method, operation in operations(schema):
        if method in ("put", "post") and not path.endswith("/dossiers/"):
            assert operation.get("requestBody", {}).get("content"), f"{method} {path}"


def test_examples_for_the_problems_and_the_push(schema):
    components = schema["components"]["schemas"]
    assert "ProblemSerializer" not in components  # named Problem
    push = schema["paths"]["/api/v1/projects/{project_id}/monitoring/periods/"]["post"]
    assert push["requestBody"]["content"]["application/json"]["examples"]
    problem = push["responses"]["404"]["content"]["application/problem+json"]
    assert problem["examples"]
    headers = [p["name"] for p in push["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"]


def test_the_schema_and_docs_are_served(team, client):
    response = token_client(team.clinician, ["read"]).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    client.force_login(team.clinician)
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "<style" not in docs.content.decode()


def test_unknown_paths_under_the_api_are_problems(team):
    response = token_client(team.clinician, ["read"]).get("/api/v1/nothing/here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_huge_ids_are_404_not_an_error(team):
    client = token_client(team.clinician, ["read"])
    assert client.get(f"/api/v1/projects/{'9' * 40}/").status_code == 404
    assert client.get("/api/v1/projects/?organisation=" + "9" * 40).status_code == 400
