"""The coordinators' dashboard (issue 8) in Chromium: reached from the menu, the charts and tables are there, axe
finds nothing (also with a filter applied), and the strict Content-Security-Policy is not violated once."""

import pytest
from playwright.sync_api import expect

from tests.casework.test_dashboard import build
from tests.e2e.axe import axe_check
from tests.e2e.login import at, log_in
from tests.e2e.test_content_security_policy import RECORD_VIOLATIONS
from tests.e2e.test_expert import one_h1
from tests.factories import Cast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def violations(page) -> list[str]:
    return page.evaluate("() => Array.from(window.__cspViolations || [])")


def console_errors(page) -> list[str]:
    """Errors the browser logs (an SVG length it cannot read, say), collected from now on."""
    errors: list[str] = []

    def keep(message) -> None:
        # The browser asks for /favicon.ico by itself; the site has none, and that 404 is no error of the page.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(message.text)

    page.on("console", keep)
    return errors


def test_the_coordinator_reads_the_dashboard_and_filters_it(live_server, page):
    from django.core.cache import cache

    from casework import dashboard as D
    from claims.figures import Scope
    from claims.timeutil import today

    for scope in (Scope(), Scope(municipality="Kerkrade")):  # figures kept from an earlier run: these keys only
        cache.delete(D.cache_key(as_of=today(), scope=scope))
    base = live_server.url
    cast = Cast()
    build(cast)
    page.add_init_script(RECORD_VIOLATIONS)
    errors = console_errors(page)

    log_in(page, base, cast.coordinator, lands_on="/werk/")
    page.goto(base + "/werk/team/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overzicht").click()
    page.wait_for_url(at("/werk/overzicht/"))
    page.wait_for_load_state()
    one_h1(page, "Overzicht: hoe het werk gaat")
    expect(page.get_by_role("img", name="Staafdiagram: nieuwe meldingen per week", exact=False)).to_be_visible()
    expect(page.locator("svg.chart rect.chart-bar")).not_to_have_count(0)
    expect(page.get_by_role("table", name="Aantal zaken in elke status")).to_contain_text("Ontvankelijkheid")
    axe_check(page)
    assert violations(page) == [] and errors == []

    page.get_by_label("Gemeente", exact=True).select_option("Kerkrade")
    page.get_by_role("button", name="Toon cijfers").click()
    page.wait_for_url(at("/werk/overzicht/"))
    page.wait_for_load_state()
    expect(page.get_by_role("table", name="Zaken en bedragen per gemeente")).to_contain_text("Kerkrade")
    expect(page.get_by_role("table", name="Zaken en bedragen per gemeente")).not_to_contain_text("Heerlen")
    expect(page.get_by_role("link", name="Download alle cijfers (CSV)")).to_have_attribute(
        "href", "/werk/overzicht/export.csv?municipality=Kerkrade&channel=")
    axe_check(page)
    assert violations(page) == [] and errors == []


def test_a_visitor_reads_the_public_figures(live_server, page):
    """/cijfers/ (issue 8, item 5): from the footer of the home page, without logging in."""
    from django.core.cache import cache

    from claims.timeutil import today

    cache.delete(f"public-figures:v1:{today().isoformat()}")  # this page's key only
    base = live_server.url
    build(Cast())
    page.add_init_script(RECORD_VIOLATIONS)
    errors = console_errors(page)
    page.goto(base + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Cijfers: hoe lang duurt een schademelding?").click()
    page.wait_for_url(at("/cijfers/"))
    page.wait_for_load_state()
    one_h1(page, "Cijfers: hoe lang duurt een schademelding?")
    expect(page.get_by_role("img", name="Staafdiagram: nieuwe meldingen per week", exact=False)).to_be_visible()
    expect(page.get_by_role("table", name="Meldingen per gemeente")).to_contain_text("minder dan 10")
    axe_check(page)
    assert violations(page) == [] and errors == []
