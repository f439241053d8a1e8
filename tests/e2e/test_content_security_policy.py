"""The Content-Security-Policy in a real browser: every page of every role, and the pages that show a form's
errors, load without a single violation and without an error in the console.

Each role gets its own browser context, logged in by a session made with `force_login` (both factors for staff).
Every page records the `securitypolicyviolation` events of its document (an init script, which the policy does
not govern), so inline script, inline style (<style> and style=""), handlers (on...=), javascript: links and
images or fonts from elsewhere are caught where they happen, also when a script adds them later.

"Every page" is found, not listed: from the role's landing page the test follows each link of this site, one
page per kind of address (view, claim state, step and query parameters), so a new page or a new link is scanned
the day it appears. Downloads (documents, .ics, .csv, SEPA files) are no pages and are left out; their headers
are checked in tests/test_security_headers.py. Then the forms the role has are sent empty, to show their
errors, and each of those pages is checked too. The back office (Django admin) and the API docs (Swagger UI,
which may show data: images, the one exception: api/urls.py) are scanned for the administrator.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.services.commission import advice_record, review_declare
from casework.services.inspection import damage_item_record_findings, damage_photo_add, inspection_schedule
from casework.services.objections import objection_take
from casework.services.payments import payment_record
from claims import letters, termijnen
from claims import roles as R
from claims.models import Claim, Letter, LetterKind, Team
from claims.services import claim_transition
from claims.timeutil import today
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.factories import PASSWORD, PATHS, Cast, PersonFactory, UserFactory, claim_in, draft_claim
from tests.twofactor import totp_code, unused_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs before any script of each document; the policy does not govern it (Playwright injects it).
RECORD_VIOLATIONS = """
(() => {
  const seen = [];
  Object.defineProperty(window, "__cspViolations", { value: seen });
  document.addEventListener("securitypolicyviolation", (event) => {
    seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"}` +
              ` in ${event.sourceFile || event.documentURI}:${event.lineNumber}` +
              (event.sample ? ` sample: ${event.sample}` : ""));
  }, true);
})();
"""
# Addresses that are no pages: downloads, the language switch and logout (POST only), files.
NOT_PAGES = ("/documenten/", "/uitloggen/", "/i18n/", "/static/", "/media/", "/health/", "/api/schema/",
             "/api/v1/", "/admin/logout/", "/admin/r/", "/admin/jsi18n/")
DOWNLOAD_ENDINGS = (".ics", ".csv", ".xml", ".pdf", ".zip", ".json")
MAX_PAGES = 250  # per role: a safety net against a crawl that never ends; reaching it fails the test
# Path parameters that only say which record: pages that differ only in these are one kind of page.
RECORD_PARAMETERS = {"reference", "pk", "item", "item_id", "object_id", "uidb64", "token", "content_type_id"}
# Pages that show a claim differently in each state: one of each per state. Other pages of a claim (a step's
# form, the portal's forms) are one template whatever the state: one of each.
PER_STATE = {"casework:dossier", "casework:expert_inspection", "casework:commission_claim", "casework:decision_claim",
             "casework:objection_claim", "casework:finance_claim", "claims:portal_claim", "claims:desk_claim"}
# The forms sent empty to see their errors, by the view they post to. Steps (dossier_step) are left out: some
# need no input and would be taken.
ERROR_FORMS = {
    "claims:login", "claims:register", "claims:password_reset", "claims:activate", "claims:resend_verification",
    "claims:report_new", "claims:report_step", "claims:report_damage_item",
    "claims:portal_message", "claims:portal_objection", "claims:portal_response", "claims:portal_answer",
    "claims:portal_callback", "claims:portal_expert_objection",
    "claims:desk_new", "claims:desk_scan",
    "casework:dossier_note", "casework:dossier_call", "casework:dossier_message", "casework:dossier_response",
    "casework:dossier_extend", "casework:dossier_default", "casework:dossier_visit", "casework:dossier_replace",
    "casework:dossier_reassign", "casework:team", "casework:team_absence",
    "casework:expert_visit", "casework:expert_findings", "casework:expert_photo", "casework:expert_add_item",
    "casework:expert_report",
    "casework:commission_declare", "casework:commission_advise",
    "casework:objection_hearing", "casework:objection_decide", "casework:decision_claim",
    "casework:finance_claim", "casework:finance_batch_create", "casework:finance_payment_cancel",
}
# Forms sent as they are, for the page they answer with (a new activation code for the resident, on paper).
SENT_AS_THEY_ARE = {"claims:desk_activation"}
EMPTY_THE_FORM = """
(form) => {
  for (let folded = form.closest("details"); folded; folded = folded.parentElement.closest("details")) {
    folded.open = true;  // a form folded away in a <details> is opened, as a person would
  }
  for (const field of form.elements) {
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") continue;
    if (field.type === "checkbox" || field.type === "radio") field.checked = false;
    else if (field.tagName === "SELECT") field.selectedIndex = field.multiple ? -1 : 0;
    else if (field.type !== "file") field.value = "";
  }
}
"""


@dataclass
class Scan:
    """What one role's browser met: the pages it scanned and what went wrong on them."""

    role: str
    pages: list[str] = field(default_factory=list)
    error_pages: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)
    console: list[tuple[str, str]] = field(default_factory=list)  # (text, url it came from)
    failed_pages: set[str] = field(default_factory=set)  # pages answered 4xx on purpose (403, 404, 400)

    def check(self, page, label: str) -> None:
        """Records the violations and console errors of the page as it is now."""
        page.wait_for_load_state("load")
        found = page.evaluate("window.__cspViolations ? Array.from(window.__cspViolations) : ['no listener']")
        errors = [text for text, where in self.console if not self._a_page_itself_failed(text, where)]
        self.console.clear()
        self.pages.append(label)
        if found or errors:
            self.problems[label] = [*found, *(f"console: {text}" for text in errors)]

    def report(self) -> str:
        return "\n".join(f"[{self.role}] {label}:\n    " + "\n    ".join(lines)
                         for label, lines in self.problems.items())


    def _a_page_itself_failed(self, text: str, where: str) -> bool:
        # A 4xx page (a form with errors answers 400, a page of another role 403) makes Chromium log its own
        # status: that is no fault here. Nor is the favicon Chromium asks for by itself (no page links one).
        return text.startswith("Failed to load resource") and (
            where.split("#")[0] in self.failed_pages or urlsplit(where).path == "/favicon.ico")


# --- the world ------------------------------------------------------------------------------------------------

@dataclass
class World:
    cast: Cast
    finance2: object
    admin: object
    claims: dict[str, Claim]


def _png(name="scheur.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.png(), content_type="image/png")


def _jpeg(name="opname.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.jpeg(), content_type="image/jpeg")


def _pdf(name="brief.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.pdf(), content_type="application/pdf")


def build_world() -> World:
    """One claim in every state, all of one cast (so each role has them all), with photos, a scan, a rendered
    letter, a planned visit, a claim the desk filed and payments waiting for finance."""
    cast = Cast()
    team = Team.objects.create(name="Team Heerlen", municipalities=["Heerlen"])
    team.members.add(cast.caseworker, UserFactory(role=R.CASEWORKER))
    claims = {state: claim_in(cast, state, items=2 if state == "inspection" else 1)
              for state in PATHS if state != "decision_pending"}
    # Awaiting a decision with the commission's advice recorded through its service: the decision form shows.
    advised = claim_in(cast, "commission_review")
    review_declare(claim=advised, member=cast.commission, has_conflict=False)
    advice_record(claim=advised, member=cast.commission, reasoning="Schade door bodembeweging.",
                  inspection_allowance=False,
                  items=[{"damage_item": item, "plausibility": "yes", "amount": "1000.00",
                          "reasoning": "Typische scheur door bodembeweging."} for item in advised.damage_items.all()])
    claims["decision_pending"] = advised

    visit = claims["inspection"]
    day = termijnen.roll_forward(today() + dt.timedelta(days=10))
    zone = timezone.get_default_timezone()
    inspection_schedule(inspection=visit.inspections.get(), actor=cast.caseworker,
                        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10)), zone),
                        ends_at=timezone.make_aware(dt.datetime.combine(day, dt.time(11)), zone))
    first, second = visit.damage_items.order_by("position")
    store_upload(claim=visit, file=_png(), kind="photo", actor=cast.resident, damage_item=first)
    damage_photo_add(item=second, actor=cast.expert, upload=_jpeg())
    damage_item_record_findings(item=first, actor=cast.expert, location=first.location, kind=first.kind,
                                measurements="2 mm breed", verdict="yes", repair_cost="1250.00")
    letters.render(Letter.objects.get(claim=visit, kind=LetterKind.APPOINTMENT).pk)
    # The objection taken up by a decision maker who did not decide: the hearing and decision forms show.
    objection_take(claim=claims["objection"], actor=cast.objection_handler)

    # The desk filed one for a resident who came by and has no account yet (so an activation code can be made).
    at_desk = draft_claim(applicant=PersonFactory(name="Jo Bemelmans"), filed_by=cast.desk)
    at_desk = claim_transition(claim=at_desk, name="submit", actor=cast.desk)
    store_upload(claim=at_desk, file=_pdf("scan.pdf"), kind="scan", actor=cast.desk)

    # Finance: a payment a colleague recorded (to approve), on a decided claim.
    finance2 = UserFactory(role=R.FINANCE)
    try:
        payment_record(claim=claims["decided"], actor=finance2, iban="NL91ABNA0417164300",
                       account_holder=cast.person.name)
    except Exception as refusal:  # e.g. the objection window: the finance pages are still scanned
        print(f"no payment to approve: {refusal}")

    admin = UserFactory(is_staff=True, is_superuser=True)
    return World(cast=cast, finance2=finance2, admin=admin,
                 claims={state: Claim.objects.get(pk=c.pk) for state, c in claims.items()})


# --- the browser ----------------------------------------------------------------------------------------------

def open_context(browser, base: str, user):
    context = browser.new_context(locale="nl-NL")
    context.add_init_script(RECORD_VIOLATIONS)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base}])
    return context


def watch(page, scan: Scan) -> None:
    page.on("console", lambda message: scan.console.append((message.text, message.location.get("url", "")))
            if message.type == "error" else None)
    page.on("pageerror", lambda error: scan.console.append((f"uncaught: {error}", "")))
    page.on("response", lambda response: _answered(scan, response))


def _answered(scan: Scan, response) -> None:
    if not response.request.is_navigation_request():
        return
    if 400 <= response.status < 500:  # a page of another role (403), a form with errors (400): on purpose
        scan.failed_pages.add(response.url.split("#")[0])
    elif response.status >= 500:
        scan.console.append((f"server error {response.status}", response.url))


def kind_of_page(path: str, query: str) -> tuple | None:
    """One key per kind of page: the view, the claim's state, the other path parameters and the names of
    the query parameters. None for an address this site does not serve."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    state = ""
    if "reference" in match.kwargs and match.view_name in PER_STATE:
        state = Claim.objects.filter(reference=match.kwargs["reference"]).values_list("status", flat=True).first()
    others = tuple(sorted((k, v) for k, v in match.kwargs.items() if k not in RECORD_PARAMETERS))
    names = tuple(sorted({name for name, _ in parse_qsl(query, keep_blank_values=True)}))
    return match.view_name, state, others, names


def is_page(path: str) -> bool:
    return not path.startswith(NOT_PAGES) and not path.endswith(DOWNLOAD_ENDINGS)


def crawl(page, base: str, scan: Scan, start: list[str], *, within: str = "/") -> list[str]:
    """Visits `start` and every link of this site they lead to, one page of each kind; returns the URLs."""
    queue, seen_kinds, visited = list(start), set(), []
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        query = "" if within == "/admin/" else parts.query  # the admin's filters and sorting: one kind of page
        kind = kind_of_page(parts.path, query)
        if kind is None or kind in seen_kinds or not is_page(parts.path) or not parts.path.startswith(within):
            continue
        seen_kinds.add(kind)
        assert len(visited) < MAX_PAGES, f"{scan.role}: more than {MAX_PAGES} kinds of page; raise the limit"
        page.goto(base + parts.path + (f"?{query}" if query else ""))
        scan.check(page, parts.path + (f"?{query}" if query else ""))
        visited.append(page.url)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(urljoin(page.url, href))
            if target.scheme in ("http", "https") and target.netloc == urlsplit(base).netloc:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return visited


def send_forms_empty(page, base: str, scan: Scan, pages: list[str]) -> None:
    """On the pages scanned, each form that posts to one of ERROR_FORMS is sent once, emptied."""
    sent = set()
    for url in pages:
        page.goto(url)
        forms = page.locator("form[method=post], form[method=POST]")
        for index in range(forms.count()):
            form = forms.nth(index)
            action = urlsplit(urljoin(page.url, form.get_attribute("action") or page.url)).path
            try:
                view = resolve(action).view_name
            except Resolver404:
                continue
            if view not in ERROR_FORMS | SENT_AS_THEY_ARE or view in sent:
                continue
            sent.add(view)
            if view in ERROR_FORMS:
                form.evaluate(EMPTY_THE_FORM)
            submit = form.locator("button[type=submit], input[type=submit], button:not([type])").first
            with page.expect_navigation() as navigation:
                submit.click()
            response = navigation.value
            label = f"POST {action} ({'empty' if view in ERROR_FORMS else 'as filled'}, from {urlsplit(url).path})"
            scan.check(page, label)
            shows_errors = page.locator(".error-summary, .errorlist, .errornote, [role=alert]").count() > 0
            if (response is not None and response.status in (400, 409)) or shows_errors:
                scan.error_pages.append(label)
            page.goto(url)
            forms = page.locator("form[method=post], form[method=POST]")


def scan_role(browser, live_server, user, role: str, start: list[str], *, within: str = "/") -> Scan:
    base = live_server.url
    scan = Scan(role)
    context = open_context(browser, base, user)
    page = context.new_page()
    watch(page, scan)
    try:
        visited = crawl(page, base, scan, start, within=within)
        send_forms_empty(page, base, scan, visited)
    finally:
        context.close()
    return scan


def assert_clean(scan: Scan, *, at_least: int, error_states: int = 1) -> None:
    print(f"\n[{scan.role}] {len(scan.pages)} pages scanned, {len(scan.error_pages)} with a form's errors")
    print("  " + "\n  ".join(scan.pages))
    print("  errors shown: " + ", ".join(scan.error_pages))
    assert not scan.problems, "Content-Security-Policy violations or console errors:\n" + scan.report()
    assert len(scan.pages) >= at_least, f"{scan.role}: only {len(scan.pages)} pages found: {scan.pages}"
    assert len(scan.error_pages) >= error_states, f"{scan.role}: forms with errors shown: {scan.error_pages}"


# --- the tests ------------------------------------------------------------------------------------------------

ROLE_STARTS = {
    R.RESIDENT: ("cast.resident", ["/mijn/", "/mijn/instellingen/", "/melden/", "/melden/nieuw/", "/privacy/"], 12),
    R.DESK: ("cast.desk", ["/loket/", "/loket/?name=", "/loket/?postcode=6411AB&house_number=1",
                           "/loket/nieuw/"], 5),
    R.CASEWORKER: ("cast.caseworker", ["/werk/", "/werk/team/"], 20),
    R.COORDINATOR: ("cast.coordinator", ["/werk/", "/werk/team/"], 20),
    R.EXPERT: ("cast.expert", ["/deskundige/"], 2),
    R.COMMISSION: ("cast.commission", ["/commissie/"], 2),
    R.DECISION_MAKER: ("cast.decision_maker", ["/besluiten/", "/besluiten/bezwaren/"], 3),
    # The objection goes to a decision maker who did not take the decision.
    "objection_handler": ("cast.objection_handler", ["/besluiten/bezwaren/"], 3),
    R.FINANCE: ("cast.finance", ["/financien/"], 2),
}


def _user(world: World, path: str):
    owner, name = path.split(".")
    return getattr(getattr(world, owner), name)


@pytest.fixture
def world(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return build_world()


@pytest.mark.parametrize("role", list(ROLE_STARTS))
def test_every_page_of_the_role_runs_under_the_policy(live_server, browser, world, role):
    who, start, at_least = ROLE_STARTS[role]
    if role == R.RESIDENT:
        # The report of a new claim: a draft of theirs, so each step of the report form is a page too.
        draft = world.claims["draft"]
        start = [*start, *(reverse("claims:report_step", args=[draft.reference, step])
                           for step in ("woning", "eigendom", "gemachtigde", "schade", "veiligheid", "controle"))]
    scan = scan_role(browser, live_server, _user(world, who), role, start)
    assert_clean(scan, at_least=at_least)


def test_the_public_pages_and_the_login_steps(live_server, browser):
    scan = scan_role(browser, live_server, None, "anonymous",
                     ["/", "/inloggen/", "/registreren/", "/registreren/controleer-uw-e-mail/", "/registreren/opnieuw/",
                      "/wachtwoord-vergeten/", "/wachtwoord-vergeten/verstuurd/", "/wachtwoord-vergeten/klaar/",
                      "/activeren/", "/privacy/", "/melden/", "/admin/login/"])
    caseworker = UserFactory(role=R.CASEWORKER)
    # A page that does not exist, and a staff member's way through the login: the password, then the step that
    # follows it (the second factor, or setting it up), also with its errors.
    base = live_server.url
    context = open_context(browser, base, None)
    page = context.new_page()
    watch(page, scan)
    try:
        page.goto(base + "/bestaat-niet/")
        scan.check(page, "404 /bestaat-niet/")
        page.goto(base + "/inloggen/")
        page.locator("input[name=username]").fill(caseworker.username)
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()
        scan.check(page, f"after the password: {urlsplit(page.url).path}")
        assert urlsplit(page.url).path == reverse("claims:two_factor_setup")  # no app yet: set one up
        assert page.locator("svg.qr-code").is_visible()
        send_empty(page, scan, "the set-up of the app, sent empty")
        device = TOTPDevice.objects.get(user=caseworker, confirmed=False)
        page.locator("input[name=code]").fill(totp_code(device))
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()
        assert urlsplit(page.url).path == reverse("claims:two_factor_backup_codes")
        scan.check(page, "the backup codes (print.js)")
    finally:
        context.close()

    # The next time: the password, then the code of the app.
    context = open_context(browser, base, None)
    page = context.new_page()
    watch(page, scan)
    try:
        page.goto(base + "/inloggen/")
        page.locator("input[name=username]").fill(caseworker.username)
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()
        assert urlsplit(page.url).path == reverse("claims:login_code")
        scan.check(page, "the code step")
        send_empty(page, scan, "the code step, sent empty")
        page.locator("input[name=code]").fill(unused_code(TOTPDevice.objects.get(user=caseworker, confirmed=True)))
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()
        scan.check(page, f"logged in: {urlsplit(page.url).path}")
    finally:
        context.close()
    assert_clean(scan, at_least=16, error_states=5)


def send_empty(page, scan: Scan, label: str) -> None:
    form = page.locator("main form[method=post]").first
    form.evaluate(EMPTY_THE_FORM)
    with page.expect_navigation() as navigation:
        form.locator("button[type=submit], button:not([type])").first.click()
    scan.check(page, label)
    if (navigation.value is not None and navigation.value.status in (400, 409)) or page.locator(
            ".error-summary, .errorlist").count():
        scan.error_pages.append(label)


def test_the_back_office_and_the_api_docs(live_server, browser, world):
    """The administrator: every kind of page of the Django admin, one of each model, forms with errors, the
    claim admin's step confirmation; and the API docs once Swagger UI has drawn them."""
    base = live_server.url
    scan = scan_role(browser, live_server, world.admin, "admin", ["/admin/"], within="/admin/")
    context = open_context(browser, base, world.admin)
    page = context.new_page()
    watch(page, scan)
    try:
        # A change form sent with a required field empty.
        person = world.cast.person
        page.goto(base + reverse("admin:claims_person_change", args=[person.pk]))
        page.locator("input[name=name]").fill("")
        with page.expect_navigation():
            page.locator("input[name=_save]").click()
        assert page.locator(".errornote").is_visible()
        scan.check(page, "admin person change form with an error")
        scan.error_pages.append("admin person change form")

        # The claim admin: a step for a selected claim asks for confirmation on a page of its own.
        page.goto(base + reverse("admin:claims_claim_changelist"))
        scan.check(page, "admin claim list")
        page.locator("input[name=_selected_action]").first.check()
        page.locator("select[name=action]").select_option("transition_hold")
        with page.expect_navigation():
            page.locator("button[name=index]").click()
        scan.check(page, "admin claim step confirmation")

        # Date widgets: the admin's calendar and clock are drawn by script.
        page.goto(base + reverse("admin:claims_statutoryholiday_add"))
        page.locator(".datetimeshortcuts a").first.click()
        page.locator(".datetimeshortcuts a.date-icon, .datetimeshortcuts a[id^=calendarlink]").first.click()
        scan.check(page, "admin add form with the calendar open")

        # The API docs, drawn by Swagger UI, with an operation open.
        page.goto(base + "/api/docs/")
        page.locator(".opblock").first.wait_for()
        page.wait_for_load_state("networkidle")
        page.locator(".opblock-summary-control").first.click()
        page.wait_for_load_state("networkidle")
        scan.check(page, "/api/docs/ (Swagger UI)")
    finally:
        context.close()
    assert_clean(scan, at_least=40)
    kinds = Counter(label.split("/")[2] for label in scan.pages if label.startswith("/admin/") and
                    label.count("/") > 3)
    assert {"claims", "casework", "auth"} <= set(kinds), kinds


def test_the_desk_receipt_prints_under_the_policy(live_server, browser):
    """The receipt's print button is the one script of the staff pages (static/js/print.js): it shows and
    works without a violation."""
    desk = UserFactory(role=R.DESK)
    at_desk = claim_transition(claim=draft_claim(applicant=PersonFactory(), filed_by=desk), name="submit", actor=desk)
    base = live_server.url
    scan = Scan("desk")
    context = open_context(browser, base, desk)
    page = context.new_page()
    watch(page, scan)
    try:
        page.goto(base + reverse("claims:desk_receipt", args=[at_desk.reference]))
        button = page.locator("[data-print]")
        assert button.is_visible()
        page.evaluate("window.print = () => { window.__printed = true; }")  # no dialog in a headless browser
        button.click()
        assert page.evaluate("window.__printed === true")
        scan.check(page, "receipt, printed")
    finally:
        context.close()
    assert not scan.problems, scan.report()
