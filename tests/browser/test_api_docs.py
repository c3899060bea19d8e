"""The API's documentation page (Swagger UI, vendored, served from static files) renders the
operations under the app's Content-Security-Policy, for a person signed in with a session; and
the API keys page makes a key in the browser."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_docs_render_the_operations_without_csp_violations(page, live_server, team, login):
    login("clinician")
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=10_000)
    assert page.locator(".opblock").count() >= 16
    expect(page.get_by_text("/api/v1/projects/{project_id}/monitoring/periods/")).to_be_visible()


def test_a_key_made_on_the_page_reads_the_api(page, live_server, team, login):
    login("clinician")
    page.goto(f"{live_server.url}/api-keys/")
    expect(page.locator("#no-keys")).to_be_visible()
    page.get_by_label("Navn").fill("BI-værktøj")
    page.get_by_role("button", name="Lav nøglen").click()
    secret = page.locator("#new-key-value").input_value()
    assert len(secret) == 64
    response = page.request.get(
        f"{live_server.url}/api/v1/projects/", headers={"Authorization": f"Token {secret}"}
    )
    assert response.status == 200
    assert [p["title"] for p in response.json()] == ["Testprojekt"]
