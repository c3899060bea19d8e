import pytest
@pytest.mark.browser
def test_probe(login, team, browser, live_server):
    page = login("clinician")
    print(page.url, page.locator("html").get_attribute("lang"))
    ctx = browser.new_context()
    p2 = ctx.new_page()
    p2.goto(live_server.url + "/accounts/login/")
    print("default ctx lang", p2.locator("html").get_attribute("lang"), p2.evaluate("navigator.languages"))
    page.goto(f"{live_server.url}/projects/{team.project.pk}/")
    page.screenshot(path="/tmp/probe.png", full_page=True)
    print(page.content()[:200])
