import pytest

from tests.e2e.axe import axe_check

pytestmark = pytest.mark.e2e


def test_home_page(live_server, page):
    response = page.goto(live_server.url + "/")
    assert response is not None and response.ok, response and response.status
    assert page.title().strip()
    assert page.locator("h1").first.inner_text().strip()
    axe_check(page)


def test_admin_login_page(live_server, page):
    response = page.goto(live_server.url + "/admin/login/")
    assert response is not None and response.ok, response and response.status
    assert page.title().strip()
    assert page.locator("input[name=username]").is_visible()
    assert page.locator("input[name=password]").is_visible()
    axe_check(page)
