"""The access probe of issue 7: for every role, every page, download and API endpoint, on another person's claim,
by guessing ids and references; nothing leaks.

The routes come from the URL resolver itself, so a new route cannot be missed: each needs a rule in RULES (what
its parameters are and who may legitimately use it), or `test_every_route_has_a_rule` fails. For every route and
every caller (anonymous, resident A, desk, a guide of another team, an expert not assigned, a commission member,
a decision maker, finance, the coordinator) the parameters are filled with the ids and references of claims the
caller may not see (tests/security/world.py says who sees what, from DESIGN.md), and with guesses: the
neighbouring reference (another last digit), a reference that does not exist, the neighbouring ids of someone
else's documents, payments and damage items, and the caller's own claim with another claim's damage item. Each
address gets a GET and a POST with an empty form (the test client sends no CSRF check, so the form counts as
CSRF-valid: what answers is the view's own access check).

Every answer must be a refusal (302 to the login page, 403, 404 or 405), its bytes must name nothing of the
hidden claims (reference, owner's name and street, file names of documents, IBAN), and a POST must leave every
table of the dossier as it was. Lists and public pages may answer 200, but must not name the hidden claims
either; for the coordinator, who sees everything, the check is that no page shows an IBAN (finance and the owner
only). The API's own matrix (tests/api/test_permission_matrix.py) decides who may call what; the API part here
is the guessing of other people's ids with a token of each role.
"""

import itertools
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import DamageItem, Document, Payment
from claims.models.claim import TRANSITION_NAMES
from claims.services.report import REPORT_STEPS
from tests.api.conftest import GENEROUS, forget_throttle_counts, token_client

from . import world as W
from .probe import body_of, client_for, snapshot
from .routes import Route, all_routes, build_url

pytestmark = pytest.mark.django_db

# --- the rules: one per route name ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """kind: public (anyone; names no claim), list (a page of the caller's own work: 200 is fine, but the hidden
    claims are not on it), claim (about the claim in `reference`), document, payment (ids of those), batch,
    absence, account and person (an object by id that one role may use: `only`), admin (the admin site: staff
    accounts only), api (by token).
    `extra`: the values of the route's other parameters (a step name, a report step)."""

    kind: str
    only: str = ""
    extra: dict = field(default_factory=dict)


PUBLIC, LIST, CLAIM = Rule("public"), Rule("list"), Rule("claim")
JUNK = {"token": "Zm9vYmFy-abc123", "uidb64": "MTIz", "url": "claims/claim/1/change/"}

RULES: dict[str, Rule] = {
    # Public and account pages: nothing of a claim.
    **{name: PUBLIC for name in (
        "health", "set_language", "api_schema", "api_docs", "claims:home", "claims:login", "claims:logout",
        "claims:register", "claims:check_email", "claims:verify_email", "claims:resend_verification",
        "claims:password_reset", "claims:password_reset_done", "claims:password_reset_confirm",
        "claims:password_reset_complete", "claims:activate", "claims:privacy", "claims:login_code",
        "claims:two_factor_setup", "claims:two_factor_backup_codes", "claims:figures")},
    # A signed-in person's own lists and forms.
    **{name: LIST for name in (
        "claims:preferences", "claims:report_start", "claims:report_new", "claims:desk", "claims:desk_new",
        "claims:portal", "casework:caseload", "casework:caseload_csv", "casework:team", "casework:team_absence",
        "casework:expert_home", "casework:commission_queue", "casework:objections_queue",
        "casework:decisions_queue", "casework:finance_home", "casework:finance_batch_create",
        "claims:two_factor_off", "claims:portal_personal_data")},
    # About one claim, by its reference.
    **{name: CLAIM for name in (
        "claims:report_done", "claims:desk_claim", "claims:desk_scan", "claims:desk_activation",
        "claims:desk_receipt", "claims:portal_claim", "claims:portal_answer", "claims:portal_response",
        "claims:portal_objection", "claims:portal_withdraw", "claims:portal_callback", "claims:portal_message",
        "claims:portal_expert_objection", "claims:portal_ics", "casework:dossier", "casework:dossier_access_log",
        "casework:dossier_note", "casework:dossier_call", "casework:dossier_message", "casework:dossier_response",
        "casework:dossier_extend", "casework:dossier_default", "casework:dossier_reassign",
        "casework:dossier_visit", "casework:dossier_safety", "casework:dossier_replace",
        "casework:expert_inspection", "casework:expert_ics", "casework:expert_visit", "casework:expert_add_item",
        "casework:expert_report", "casework:commission_claim", "casework:commission_declare",
        "casework:commission_advise", "casework:objection_claim", "casework:objection_take",
        "casework:objection_hearing", "casework:objection_decide", "casework:decision_claim",
        "casework:finance_claim")},
    # A claim and a damage item (of that claim, or guessed from another).
    "claims:report_damage_item": CLAIM, "claims:report_damage_remove": CLAIM,
    "casework:expert_findings": CLAIM, "casework:expert_photo": CLAIM,
    "casework:dossier_step": Rule("claim", extra={"name": TRANSITION_NAMES}),
    "claims:report_step": Rule("claim", extra={"step": tuple(REPORT_STEPS)}),
    "claims:document_download": Rule("document"),
    "casework:finance_payment_approve": Rule("payment"), "casework:finance_payment_cancel": Rule("payment"),
    "casework:finance_batch": Rule("batch", only=W.FINANCE),
    "casework:finance_batch_xml": Rule("batch", only=W.FINANCE),
    "casework:team_absence_end": Rule("absence", only=W.COORDINATOR),
    # The coordinator's page of staff logins (lock-outs, second factors): by a user's id.
    "casework:team_logins": Rule("account", only=W.COORDINATOR),
    "casework:team_login_unlock": Rule("account", only=W.COORDINATOR),
    "casework:team_login_second_factor_reset": Rule("account", only=W.COORDINATOR),
    # A resident's AVG request on paper: the coordinator downloads the ZIP of a person (by the Person's id).
    "casework:person_personal_data": Rule("person", only=W.COORDINATOR),
    # The management dashboard and its CSV (issue 8): aggregate figures for the coordinator, no claim named.
    "casework:dashboard": LIST, "casework:dashboard_csv": LIST,
}
# The admin site is one gate (AdminSite.admin_view: an active staff account), whatever the model; the API is
# probed by token below.
PREFIX_RULES = {"admin:": Rule("admin"), "api:": Rule("api")}
ITEM_PARAMS = ("item", "item_id")


def rule_for(route: Route) -> Rule | None:
    if route.name in RULES:
        return RULES[route.name]
    if route.name == "admin":  # the admin's unnamed routes (its catch-all, the redirects to a change page)
        return PREFIX_RULES["admin:"]
    return next((rule for prefix, rule in PREFIX_RULES.items() if route.name.startswith(prefix)), None)


ROUTES = all_routes()
PAGE_ROUTES = [r for r in ROUTES if (rule := rule_for(r)) is not None and rule.kind not in ("admin", "api")]
ADMIN_ROUTES = [r for r in ROUTES if rule_for(r) is PREFIX_RULES["admin:"]]
API_ROUTES = [r for r in ROUTES if r.name.startswith("api:")]


def test_every_route_has_a_rule():
    """A new route must be classified here before it can pass: who may use it, and what its parameters are."""
    missing = sorted({r.label for r in ROUTES if rule_for(r) is None})
    assert missing == [], f"routes without a rule in tests/security/test_access_probe.py RULES: {missing}"
    stale = sorted(set(RULES) - {r.name for r in ROUTES})
    assert stale == [], f"rules for routes that no longer exist: {stale}"
    assert len(ROUTES) > 300  # the walk went into every resolver (the admin alone has hundreds)


# --- the world ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("probe-files")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)), transaction.atomic():
        yield W.build_world()
        transaction.set_rollback(True)


class Clients:
    """One logged-in client per caller, made again when a request logged it out."""

    def __init__(self, world: W.World):
        self.world = world
        self.made: dict[str, object] = {}

    def __call__(self, caller: str):
        client = self.made.get(caller)
        if client is None or (caller != W.ANON and "_auth_user_id" not in client.session):
            client = self.made[caller] = client_for(self.world.users[caller])
        return client


@pytest.fixture(scope="module")
def clients(world):
    return Clients(world)


# --- what is tried ------------------------------------------------------------------------------------------------

def changed_digit(reference: str) -> str:
    """The same reference with its last digit changed: a guess at the neighbour's claim."""
    last = int(reference[-1])
    return reference[:-1] + str((last + 1) % 10)


NO_SUCH_REFERENCE = "MS-2099-999999"
NO_SUCH_ID = 987_654_321


def _rotate(items: list, start: int, count: int) -> list:
    if not items:
        return []
    return [items[(start + i) % len(items)] for i in range(min(count, len(items)))]


def _visible_ids(world: W.World, caller: str, model, claim_path: str) -> set[int]:
    visible = [e.claim.pk for e in world.entries if world.sees(caller, e)]
    return set(model.objects.filter(**{f"{claim_path}__in": visible}).values_list("pk", flat=True))


def _guessed_ids(world: W.World, caller: str, model, claim_path: str, hidden_ids: list[int]) -> list[int]:
    """Neighbours of the hidden ids and an id that does not exist, minus ids of objects the caller may see."""
    visible = _visible_ids(world, caller, model, claim_path)
    guesses = sorted({i + d for i in hidden_ids for d in (-1, 1)} - set(hidden_ids) - visible)
    return [*guesses[:2], NO_SUCH_ID]


def _item_of(entry: W.Entry) -> int:
    return entry.claim.damage_items.order_by("position").values_list("pk", flat=True).first()


def attempts(world: W.World, route: Route, caller: str, salt: int) -> list[tuple[str, list[str]]]:
    """(url, secrets that must not show) for one route and one caller."""
    rule = rule_for(route)
    secrets = world.secrets(caller)
    values = dict(JUNK)
    for name, options in rule.extra.items():
        values[name] = options[salt % len(options)]
    hidden = world.hidden(caller)
    params = route.params

    if rule.kind in ("public", "list"):
        return [(build_url(route, values), secrets)]
    if rule.kind == "claim":
        tries = []
        for entry in _rotate(hidden, salt, 2):
            tries.append({**values, "reference": entry.claim.reference, "item": _item_of(entry),
                          "item_id": _item_of(entry)})
        victim = hidden[(salt + 2) % len(hidden)] if hidden else None
        if victim is not None:
            guess = changed_digit(victim.claim.reference)
            mixed = any(p in ITEM_PARAMS for p in params) and world.sees(caller, world.own) and salt % 2
            if mixed:  # the own claim's address with someone else's damage item
                tries.append({**values, "reference": world.own.claim.reference, "item": _item_of(victim),
                              "item_id": _item_of(victim)})
            elif not any(e.claim.reference == guess for e in world.entries if world.sees(caller, e)):
                tries.append({**values, "reference": guess, "item": _item_of(victim), "item_id": _item_of(victim)})
        if salt % 3 == 0 or not tries:
            tries.append({**values, "reference": NO_SUCH_REFERENCE, "item": NO_SUCH_ID, "item_id": NO_SUCH_ID})
        return [(build_url(route, t), secrets) for t in tries]
    if rule.kind == "document":
        hidden_ids = [d.pk for e in hidden for d in e.docs]
        ids = _rotate(hidden_ids, salt, 3) + _guessed_ids(world, caller, Document, "claim", hidden_ids)
        return [(build_url(route, {"pk": pk}), secrets) for pk in ids]
    if rule.kind == "payment":
        hidden_ids = [e.payment.pk for e in hidden if e.payment is not None]
        ids = hidden_ids + _guessed_ids(world, caller, Payment, "claim", hidden_ids or [NO_SUCH_ID])
        return [(build_url(route, {"pk": pk}), secrets) for pk in ids]
    if rule.kind in ("batch", "absence", "account", "person"):
        if caller == rule.only:
            return []  # theirs to use: the API matrix and the finance and team tests cover it
        if "pk" not in params:
            return [(build_url(route, values), secrets)]
        pk = {"batch": world.batch.pk, "absence": world.absence.pk, "account": world.users[W.GUIDE].pk,
              "person": world.entries[salt % len(world.entries)].claim.applicant_id}[rule.kind]
        return [(build_url(route, {"pk": value}), secrets) for value in (pk, pk + 1, NO_SUCH_ID)]
    raise AssertionError(f"no attempts for {route.label}")


def refused(response, caller: str, rule: Rule) -> bool:
    status = response.status_code
    if status == 302:
        location = response["Location"]
        return location.startswith((reverse("claims:login"), reverse("admin:login")))
    return status in (403, 404, 405) or (caller == W.ANON and status == 401)


def leaks(body: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in body]


def _search_attempts(world: W.World, route: Route, caller: str, salt: int) -> list[tuple[str, str, list[str]]]:
    """For lists: search for a hidden claim by its reference and by its owner's surname. The searched words are
    the caller's own input (echoed in the search box); the other secrets must not show."""
    hidden = world.hidden(caller)
    if not hidden:
        return []
    victim = hidden[salt % len(hidden)]
    surname = victim.name.split()[-1]
    return [(victim.claim.reference, f"?q={victim.claim.reference}", world.secrets(caller)),
            (surname, f"?q={surname}", world.secrets(caller))]


def _check(response, caller, rule, url, secrets, problems, *, must_refuse: bool, echo: str = "") -> None:
    if response.status_code >= 500:
        problems.append(f"{caller} {url}: server error {response.status_code}")
        return
    if must_refuse and not refused(response, caller, rule):
        location = response.get("Location", "")
        problems.append(f"{caller} {url}: {response.status_code} {location}")
    body = body_of(response)
    if echo:
        body = body.replace(echo, "")
    found = leaks(body, [s for s in secrets if s != echo and not (echo and s in echo)])
    if found:
        problems.append(f"{caller} {url}: shows {found}")


def _post(client, url: str, problems: list[str], label: str):
    before = snapshot()
    with transaction.atomic():
        response = client.post(url, {})
        after = snapshot()
        transaction.set_rollback(True)  # whatever got through must not spoil the next attempt
    if after != before:
        problems.append(f"{label} POST {url}: changed the database")
    return response


# --- the pages ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("route", PAGE_ROUTES, ids=[f"{i}-{r.label}" for i, r in enumerate(PAGE_ROUTES)])
def test_no_page_shows_another_persons_claim(world, clients, route):
    rule = rule_for(route)
    salt = PAGE_ROUTES.index(route)
    problems: list[str] = []
    tried = 0
    # Public pages name no claim whoever asks: three callers suffice there.
    callers = (W.ANON, W.RESIDENT, W.COORDINATOR) if rule.kind == "public" else W.CALLERS
    for n, caller in enumerate(callers):
        client = clients(caller)
        must_refuse = rule.kind not in ("public", "list")
        for url, secrets in attempts(world, route, caller, salt + n):
            tried += 1
            _check(client.get(url), caller, rule, url, secrets, problems, must_refuse=must_refuse)
            client = clients(caller)
            response = _post(client, url, problems, caller)
            _check(response, caller, rule, url, secrets, problems, must_refuse=must_refuse)
            client = clients(caller)
        if rule.kind == "list" and caller != W.ANON:
            for echo, query, secrets in _search_attempts(world, route, caller, salt + n):
                url = build_url(route, JUNK) + query
                tried += 1
                _check(client.get(url), caller, rule, url, secrets, problems, must_refuse=False, echo=echo)
    assert problems == [], "\n".join(problems)
    assert tried


CLAIM_ROUTES = [r for r in PAGE_ROUTES if rule_for(r).kind == "claim"]


@pytest.mark.parametrize("caller", [c for c in W.CALLERS if c not in (W.ANON, W.FINANCE)])
def test_no_page_shows_an_iban_to_anyone_but_finance_and_the_owner(world, clients, caller):
    """Those who do see the paid claim (the coordinator sees all) still never see its IBAN."""
    paid = world.entry("decided")
    if not world.sees(caller, paid):
        pytest.skip("this caller does not see the paid claim: the probe above covers it")
    client = clients(caller)
    problems: list[str] = []
    for index, route in enumerate(CLAIM_ROUTES):
        values = {**JUNK, **{k: v[index % len(v)] for k, v in rule_for(route).extra.items()},
                  "reference": paid.claim.reference, "item": _item_of(paid), "item_id": _item_of(paid)}
        url = build_url(route, values)
        _check(client.get(url), caller, rule_for(route), url, W.iban_forms(W.IBAN), problems, must_refuse=False)
    assert problems == [], "\n".join(problems)


def test_the_owner_and_finance_do_see_the_iban_and_the_claims_people_see_their_claims(world, clients):
    """The controls: the secrets are really on the pages of those who may see them, so a leak would show."""
    decided = world.entry("decided")
    finance_page = clients(W.FINANCE).get(reverse("casework:finance_claim", args=[decided.claim.reference]))
    assert finance_page.status_code == 200
    assert any(form in body_of(finance_page) for form in W.iban_forms(W.IBAN))
    coordinator = clients(W.COORDINATOR)
    dossier = body_of(coordinator.get(reverse("casework:dossier", args=[decided.claim.reference])))
    assert decided.name in dossier and decided.claim.reference in dossier and decided.street in dossier
    inspection = world.entry("inspection")
    download = coordinator.get(reverse("claims:document_download", args=[inspection.docs[0].pk]))
    assert download.status_code == 200
    own = world.own
    portal = body_of(clients(W.RESIDENT).get(reverse("claims:portal_claim", args=[own.claim.reference])))
    assert own.claim.reference in portal and own.docs[0].original_name in portal


@pytest.mark.parametrize("caller", W.CALLERS)
def test_the_admin_is_closed_to_every_role(world, clients, caller):
    """No role makes an account staff: every address of the admin sends it to the admin's login, with the ids of
    another person's claim, document and person filled in."""
    client = clients(caller)
    entry = world.hidden(caller)[0] if world.hidden(caller) else world.entry("draft")
    values = {"object_id": entry.claim.pk, "content_type_id": 1, "app_label": "claims", "url": "claims/claim/",
              "user_id": entry.claim.applicant.user_id or 1, "model_name": "claim", "pk": entry.docs[0].pk,
              "id": entry.claim.applicant.user_id or 1}
    login = reverse("admin:login")
    problems = []
    for index, route in enumerate(ADMIN_ROUTES):
        if route.name in ("admin:login", "admin:logout", "admin:jsi18n"):
            continue  # the gate itself; logging out and the translation catalogue show no data
        if (index + W.CALLERS.index(caller)) % 3:
            continue  # a third of the admin per caller: each address is tried by three of the callers
        url = build_url(route, {**values, "object_id": entry.claim.pk if "claim" in route.name else entry.docs[0].pk})
        for response in (client.get(url), _post(client, url, problems, caller)):
            location = response.get("Location", "") if response.status_code == 302 else ""
            # The admin's unnamed routes only redirect to the change page (which is gated): "change/".
            to_gate = location.startswith(login) or (route.name == "admin" and location in ("change/", "../"))
            if not to_gate and response.status_code != 404:
                problems.append(f"{caller} {url}: {response.status_code} {response.get('Location', '')}")
            found = leaks(body_of(response), world.secrets(caller))
            if found:
                problems.append(f"{caller} {url}: shows {found}")
    assert problems == [], "\n".join(problems)


# --- the API: guessing other people's ids with a token of each role -------------------------------------------------

TOKEN_ROLES = {W.RESIDENT: "resident", W.DESK: "desk", W.GUIDE: "caseworker", W.EXPERT: "expert",
               W.COMMISSION: "commission", W.DECISION_MAKER: "decision_maker", W.FINANCE: "finance",
               W.COORDINATOR: "coordinator"}
API_METHODS = ("get", "post", "put", "patch", "delete")


def _api_methods(route: Route) -> list[str]:
    view = getattr(route.callback, "cls", None)
    return [m for m in API_METHODS if view is not None and hasattr(view, m)]


def _api_values(world: W.World, caller: str, route: Route, salt: int) -> list[dict]:
    """The hidden claim's reference with the ids of its own objects, and guesses: the own claim (if any) with a
    hidden object's id, the neighbouring ids, an id that does not exist."""
    hidden = world.hidden(caller)
    if not hidden:
        return [{"reference": NO_SUCH_REFERENCE, "item_id": NO_SUCH_ID, "document_id": NO_SUCH_ID, "id": NO_SUCH_ID,
                 "pk": NO_SUCH_ID, "name": "submit"}]
    victim = _rotate([e for e in hidden if e.docs], salt, 1)[0]
    inspection = victim.claim.inspections.values_list("pk", flat=True).first() or NO_SUCH_ID
    objection = victim.claim.objections.values_list("pk", flat=True).first() or NO_SUCH_ID
    payment = next((e.payment.pk for e in hidden if e.payment is not None), NO_SUCH_ID)
    own = {"reference": victim.claim.reference, "item_id": _item_of(victim), "document_id": victim.docs[0].pk,
           "id": inspection, "pk": payment if "payment" in route.name else objection, "name": "submit"}
    tries = [own]
    mine = next((e for e in world.entries if world.sees(caller, e)), None)
    if mine is not None and set(route.params) & {"item_id", "document_id", "id", "pk"} and "reference" in route.params:
        tries.append({**own, "reference": mine.claim.reference})  # another's object under the caller's own claim
    neighbour = {"reference": changed_digit(victim.claim.reference), "item_id": own["item_id"] + 1,
                 "document_id": own["document_id"] + 1, "id": NO_SUCH_ID, "pk": NO_SUCH_ID, "name": "x"}
    visible_docs = _visible_ids(world, caller, Document, "claim")
    visible_items = _visible_ids(world, caller, DamageItem, "claim")
    visible_refs = {e.claim.reference for e in world.entries if world.sees(caller, e)}
    if (neighbour["document_id"] not in visible_docs and neighbour["item_id"] not in visible_items
            and neighbour["reference"] not in visible_refs):
        tries.append(neighbour)
    return tries


def _api_objects(route: Route) -> set[str]:
    return set(route.params)


@pytest.fixture(scope="module")
def api_clients(world):
    with override_settings(MIJNSCHADE_API=GENEROUS):
        forget_throttle_counts()
        clients = {W.ANON: APIClient()}
        for caller, role in TOKEN_ROLES.items():
            clients[caller] = token_client(world.users[caller], role)
        yield clients


API_OBJECT_ROUTES = [r for r in API_ROUTES if r.params]
API_LISTS = [r for r in API_ROUTES if not r.params]


@pytest.mark.parametrize("route", API_OBJECT_ROUTES, ids=[f"{i}-{r.label}" for i, r in enumerate(API_OBJECT_ROUTES)])
def test_no_api_endpoint_gives_away_another_persons_object(world, api_clients, route, settings):
    settings.MIJNSCHADE_API = GENEROUS
    salt = API_OBJECT_ROUTES.index(route)
    problems = []
    for n, caller in enumerate(W.CALLERS):
        client = api_clients[caller]
        secrets = world.secrets(caller)
        for values in _api_values(world, caller, route, salt + n):
            if "payment" in route.name and "reference" not in route.params and caller == W.FINANCE:
                values = {**values, "pk": NO_SUCH_ID}  # finance may see every payment there is here
            url = build_url(route, values)
            for method in _api_methods(route):
                if method == "get":
                    response = client.get(url)
                else:
                    before = snapshot()
                    with transaction.atomic():
                        response = getattr(client, method)(url, {}, format="json")
                        after = snapshot()
                        transaction.set_rollback(True)
                    if after != before:
                        problems.append(f"{caller} {method.upper()} {url}: changed the database")
                status = response.status_code
                allowed = {401} if caller == W.ANON else {403, 404, 405}
                if status not in allowed:
                    problems.append(f"{caller} {method.upper()} {url}: {status} {body_of(response)[:200]}")
                found = leaks(body_of(response), secrets)
                if found:
                    problems.append(f"{caller} {method.upper()} {url}: shows {found}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("route", API_LISTS, ids=[r.label for r in API_LISTS])
def test_no_api_list_names_another_persons_claim(world, api_clients, route, settings):
    """Lists answer whoever may call them, filtered; searching for a hidden claim's reference or owner finds
    nothing of it."""
    settings.MIJNSCHADE_API = GENEROUS
    problems = []
    for n, caller in enumerate(W.CALLERS):
        hidden = world.hidden(caller)
        victim = hidden[n % len(hidden)] if hidden else None
        queries = [""]
        if victim is not None:
            queries += [f"?reference={victim.claim.reference}", f"?q={victim.name.split()[-1]}",
                        f"?claim={victim.claim.reference}", f"?person={victim.claim.applicant_id}"]
        for query in queries:
            response = api_clients[caller].get(build_url(route, {}) + query)
            if response.status_code >= 500:
                problems.append(f"{caller} {route.name}{query}: {response.status_code}")
            found = leaks(body_of(response), world.secrets(caller))
            if found:
                problems.append(f"{caller} {route.name}{query}: shows {found}")
    assert problems == [], "\n".join(problems)


def test_the_probe_tried_something_of_every_kind(world):
    """Guard against a probe that silently tries nothing: each caller has hidden claims with documents, and the
    guessing covers references, documents, payments, damage items and inspections."""
    for caller in W.CALLERS:
        if caller != W.COORDINATOR:
            assert any(e.docs for e in world.hidden(caller)), caller
    kinds = {rule_for(r).kind for r in PAGE_ROUTES}
    assert kinds == {"public", "list", "claim", "document", "payment", "batch", "absence", "account", "person"}
    assert {p for r in API_OBJECT_ROUTES for p in r.params} >= {"reference", "item_id", "document_id", "id", "pk"}
    assert list(itertools.islice(ADMIN_ROUTES, 1))
