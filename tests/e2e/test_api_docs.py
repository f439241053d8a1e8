"""The API docs in the browser (/api/docs/): Swagger UI from drf-spectacular-sidecar shows every operation of
our own schema, tries one against this server, and asks no other host for anything; the page runs under a
Content-Security-Policy without inline script or style; it is English throughout, in a Dutch browser too.

Axe finds no violation, with nothing allowed: on the page as loaded, with operations opened, tried and
answered (a list with filters, a transition with a JSON body, an upload with a form), with a schema opened,
and with the Authorize dialog open. Swagger UI's own gaps (landmarks, heading levels, names of fields and
icon buttons, the dialog) are repaired by static/js/api-docs.js, its colours by static/css/api-docs.css."""

import re

import pytest
from playwright.sync_api import expect

from tests.api.conftest import forget_throttle_counts
from tests.e2e.axe import axe_violations, format_violations

pytestmark = pytest.mark.e2e

DOCS = "/api/docs/"
FEED = "#operations-events-events_list"
CLAIMS = "#operations-claims-claims_list"
SUBMIT = "#operations-claims-claims_transition_submit"
UPLOAD = "#operations-claims-claims_documents_create"
A_REFERENCE = "MS-2026-000001"
# What the later Content-Security-Policy will at least forbid: script and style from anywhere but this server,
# inline ones included. Swagger UI's stylesheet draws its icons with data: images.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


@pytest.fixture(autouse=True)
def _empty_throttle_counts():
    forget_throttle_counts()  # the docs and schema views count anonymous callers


def open_docs(page, live_server) -> None:
    response = page.goto(live_server.url + DOCS)
    assert response is not None and response.ok
    expect(page.locator(".opblock").first).to_be_visible()
    page.wait_for_load_state("networkidle")


def assert_axe_clean(page, where: str) -> None:
    page.mouse.move(0, 0)  # no hover state in the way
    violations = axe_violations(page)
    assert not violations, f"axe on {where}:\n{format_violations(violations)}"


def open_and_try(page, selector: str):
    operation = page.locator(selector)
    operation.locator(".opblock-summary-control").click()
    operation.locator(".try-out__btn").click()
    expect(operation.locator(".execute")).to_be_visible()
    return operation


def execute(operation, expected_status: str) -> None:
    reference = operation.locator("input[placeholder=reference]")
    if reference.count():
        reference.fill(A_REFERENCE)
    operation.locator(".execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text(expected_status)


def test_the_docs_render_every_operation_of_the_schema_and_ask_no_other_host(live_server, page):
    asked: list[str] = []
    failed: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))

    open_docs(page, live_server)
    schema = page.request.get(live_server.url + "/api/schema/?format=json").json()
    expected = sorted((method, path) for path, item in schema["paths"].items() for method in item)
    shown = page.eval_on_selector_all(
        ".opblock",
        "ops => ops.map(op => [op.querySelector('.opblock-summary-method').textContent.toLowerCase(),"
        " op.querySelector('.opblock-summary-path').dataset.path])",
    )
    assert sorted(tuple(operation) for operation in shown) == expected
    assert ("get", "/api/v1/claims/") in expected
    assert ("post", "/api/v1/claims/{reference}/transitions/submit/") in expected
    expect(page.locator(".information-container .title")).to_contain_text("Mijnschade API")

    # Tried out without a key: this server answers, with a 401.
    execute(open_and_try(page, FEED), "401")

    assert failed == []
    assert any(url.startswith(live_server.url + "/api/schema/") for url in asked), asked
    assert any(url.startswith(live_server.url + "/api/v1/events/") for url in asked), asked
    elsewhere = [url for url in asked if not url.startswith((live_server.url + "/", "data:", "blob:"))]
    assert elsewhere == [], elsewhere


def test_the_page_has_no_inline_script_or_style_and_works_under_a_strict_csp(live_server, page):
    html = page.request.get(live_server.url + DOCS).text()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" src=" in tag for tag in scripts), scripts
    assert "<style" not in html and " style=" not in html

    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route(live_server.url + DOCS, with_csp)
    open_docs(page, live_server)
    expect(page.locator(".information-container .title")).to_contain_text("Mijnschade API")
    execute(open_and_try(page, FEED), "401")
    assert refused == []


def test_the_page_is_english_in_a_dutch_browser_too(live_server, page):
    languages: dict[str, str | None] = {}
    page.on("request", lambda request: languages.update({request.url: request.headers.get("accept-language")}))

    open_docs(page, live_server)
    assert page.evaluate("navigator.language") == "nl-NL"
    assert page.get_attribute("html", "lang") == "en"
    schema_requests = [url for url in languages if url.startswith(live_server.url + "/api/schema/")]
    assert schema_requests and all(languages[url] == "en" for url in schema_requests)

    # The schema's texts in English: the labels of the claim states.
    claims = page.locator(CLAIMS)
    claims.locator(".opblock-summary-control").click()
    status = claims.locator('tr[data-param-name="status"]')
    expect(status).to_contain_text("Submitted")
    expect(status).not_to_contain_text("Ingediend")

    # And the answers of "Try it out".
    feed = open_and_try(page, FEED)
    execute(feed, "401")
    expect(feed.locator(".live-responses-table tbody .response-col_description").first).to_contain_text(
        "Authentication credentials were not provided."
    )


def test_axe_on_the_docs_page_as_loaded(live_server, page):
    open_docs(page, live_server)
    assert_axe_clean(page, "the docs page")


def test_axe_on_operations_opened_tried_and_answered(live_server, page):
    posted: list[dict[str, str]] = []
    page.on("request", lambda request: posted.append(request.headers) if request.method == "POST" else None)
    open_docs(page, live_server)
    feed = page.locator(FEED)
    feed.locator(".opblock-summary-control").click()
    assert_axe_clean(page, "an operation opened")

    feed.locator(".try-out__btn").click()
    claims = open_and_try(page, CLAIMS)  # filters: selects, lists and fields for each parameter
    submit = open_and_try(page, SUBMIT)  # a JSON body
    upload = open_and_try(page, UPLOAD)  # a form with a file field
    expect(upload.locator("input[type=file]")).to_be_visible()
    assert_axe_clean(page, "operations in 'try it out'")

    execute(feed, "401")
    execute(claims, "401")
    execute(submit, "401")
    assert_axe_clean(page, "the operations' answers")

    # A change is sent with the CSRF token, which the session needs (here the key is missing first: 401).
    token = page.get_attribute("#swagger-ui", "data-csrf-token")
    assert token and [headers.get("x-csrftoken") for headers in posted] == [token]


def test_axe_on_a_schema_opened(live_server, page):
    open_docs(page, live_server)
    model = page.locator("#model-Absence")
    model.locator(".model-box-control").first.click()
    nested = model.locator("tr.property-row .model-box-control").nth(1)  # user: {id, name}
    nested.click()
    expect(nested).to_have_attribute("aria-expanded", "true")
    assert_axe_clean(page, "a schema opened")


def test_axe_and_the_keyboard_on_the_authorize_dialog(live_server, page):
    open_docs(page, live_server)
    authorize = page.locator(".btn.authorize").first
    authorize.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Available authorizations")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    assert page.evaluate("document.activeElement.closest('.modal-ux') !== null")
    assert_axe_clean(page, "the Authorize dialog")

    for _ in range(10):  # Tab stays inside the dialog
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('.modal-ux') !== null")

    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(authorize).to_be_focused()
