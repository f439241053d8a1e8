"""The bad-input sweep of issue 7: each form and endpoint given oversized, malformed, script-bearing and wrong-type
input answers with a clear message and never a server error.

The forms are found, not listed: every role opens every page it may use (tests/security/world.py: claims in
every state, each with its own resident, guide, expert, ...), and each <form> on it is read as a browser reads it
(tests/security/forms.py). Each distinct form (its address and field names; the same form on another claim counts
once) is then sent with one field at a time changed to a value of each class below, the others as the browser
would send them:

- long: 100,000 characters;
- script: markup that runs if it is put on a page unescaped;
- control: NUL bytes and a lone surrogate (sent as the bytes a broken client would send);
- wrong type: letters in number and date fields, impossible dates (31-02-2025, 0000-00-00), amounts "1e309",
  "-0", "NaN", a huge integer, an option that is not offered, ...;
- missing: the field left out;
and once as a whole with every field sent twice, and, where the form takes files, with an empty file, a file that
only says it is a PDF, and a file over the upload limit.

Every answer must be below 500; an HTML answer must never contain the script verbatim (escaped is fine); and a
form shown again with 200 must show the site's error region (the error summary, a field's error text, or an
error message), so the person knows what to fix. Every POST runs in a savepoint that is rolled back, so each
variant meets the same data. The API part sends the listed payloads to each POST, PUT and PATCH operation of
openapi.yaml with a token of a role that may call it: the answer is a 4xx in the API's error shape
{"detail", "code", "errors"}; Schemathesis (tests/api/test_schemathesis.py) does the broad fuzzing.
"""

import itertools
import json
import re
from dataclasses import dataclass

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

from claims.models import Claim
from claims.models.claim import TRANSITION_NAMES
from claims.services.report import REPORT_STEPS
from claims.uploads import DEFAULT_MAX_BYTES
from tests.api import matrix_cases as M
from tests.api.conftest import GENEROUS, forget_throttle_counts, token_client

from . import world as W
from .forms import Field, Form, forms_of
from .probe import body_of, client_for
from .routes import Route, all_routes, build_url

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
LONG = "x" * 100_000
CONTROL = "a\x00b\ud800c"
# The site's error region: the error summary and a field's error text (templates/includes/), an error message, or
# the portal's notice of a refused file (a box with role="alert").
ERROR_REGION = re.compile(r'class="[^"]*\b(error-summary|error-text|message-error|field-error)\b|role="alert"')
NUMBERS = ["twaalf", "1e309", "-0", "NaN", "9" * 40, "-1", "Infinity", "1,2,3"]
DATES = ["31-02-2025", "0000-00-00", "2025-13-45", "gisteren", "9999-99-99", "2025-02-31"]
TIMES = ["25:61", "nu", "-1:00"]
CHOICES = ["geen-keuze", "-1", "9" * 30, "1.5"]
TEXTS = ["{\"json\": [1, 2]}", "1; DROP TABLE claims_claim;--", "🏚️" * 50]


# --- who opens which pages --------------------------------------------------------------------------------------

# The role attributes of a Cast (tests/factories.py) that use the pages under each prefix.
PAGE_ROLES = [
    ("claims:portal", ("resident",)), ("claims:report", ("resident",)), ("claims:preferences", ("resident",)),
    ("claims:two_factor_off", ("resident",)), ("claims:desk", ("desk", "coordinator")),
    ("casework:dossier_step", ("caseworker", "coordinator")), ("casework:dossier", ("caseworker", "coordinator")),
    ("casework:expert", ("expert",)), ("casework:commission", ("commission",)),
    ("casework:decision", ("decision_maker",)), ("casework:objection", ("objection_handler",)),
    ("casework:finance", ("finance",)), ("casework:team", ("coordinator",)), ("casework:caseload", ("caseworker",)),
    ("claims:", (None,)), ("health", (None,)), ("set_language", (None,)), ("api_", (None,)),
]
SKIPPED = ("claims:document_download", "casework:finance_batch_xml", "casework:caseload_csv", "claims:portal_ics",
           "casework:expert_ics", "claims:logout")  # downloads and the logout (no form of their own)


def roles_for(route: Route) -> tuple:
    return next((roles for prefix, roles in PAGE_ROLES if route.name.startswith(prefix)), ())


def _page_routes() -> list[Route]:
    return [r for r in all_routes() if not r.name.startswith(("admin", "api:")) and r.name not in SKIPPED]


def _page_values(world: W.World, route: Route) -> list[tuple[dict, W.Entry]]:
    """Parameter values for a page: each claim of the world (a step on a claim in the state it starts from)."""
    params = route.params
    if "reference" not in params:
        if "pk" in params:
            if route.name == "casework:finance_batch":
                return [({"pk": world.batch.pk}, world.entry("decided"))]
            return []  # the buttons behind these (approve, cancel, end, unlock) are found on their pages
        return [({}, world.own), ({}, world.entry("inspection"))]
    out = []
    entries = world.entries
    if "name" in params:
        for name in TRANSITION_NAMES:
            entry = next(e for e in entries if e.key == W.STEP_FROM[name] and not e.own) \
                if W.STEP_FROM[name] != "response_period" else world.entry("response_period")
            out.append(({"reference": entry.claim.reference, "name": name}, entry))
        return out
    for entry in entries:
        item = entry.claim.damage_items.order_by("position").values_list("pk", flat=True).first()
        steps = REPORT_STEPS if "step" in params and entry.key == "draft" else ("woning",)
        for step in steps:
            out.append(({"reference": entry.claim.reference, "item": item, "item_id": item, "step": step}, entry))
    return out


@dataclass
class Found:
    form: Form
    user: object
    page: str


def _key(form: Form) -> tuple:
    """Forms are the same when they send to the same kind of address with the same fields."""
    action = re.sub(r"MS-\d{4}-\d{6}", "REF", form.action)
    action = re.sub(r"\d+", "N", action)
    return form.method, action, tuple(form.names())


# Pages that show other forms in each state of the claim: opened for every claim. Other pages: until one answers.
STATEFUL_PAGES = {"claims:portal_claim", "casework:dossier", "casework:expert_inspection", "casework:commission_claim",
                  "casework:decision_claim", "casework:objection_claim", "casework:finance_claim",
                  "claims:desk_claim", "claims:report_step"}


def discover(world: W.World) -> list[Found]:
    found: dict[tuple, Found] = {}
    clients: dict[int, object] = {}
    for route in _page_routes():
        for values, entry in _page_values(world, route):
            for role in roles_for(route):
                user = getattr(entry.cast, role) if role else None
                key = id(user)
                if key not in clients or (user is not None and "_auth_user_id" not in clients[key].session):
                    clients[key] = client_for(user)
                url = build_url(route, {**values, "token": "abc", "uidb64": "MQ"})
                response = clients[key].get(url)
                if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                    continue
                for form in forms_of(body_of(response), url):
                    found.setdefault(_key(form), Found(form, user, url))
                break  # the first role that may open it
            else:
                continue
            if route.name not in STATEFUL_PAGES and "name" not in route.params:
                break
    return list(found.values())


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("bad-input-files")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)), transaction.atomic():
        built = W.build_world()
        yield built, discover(built)
        transaction.set_rollback(True)


# --- the variants -------------------------------------------------------------------------------------------------

def _is_number(f: Field) -> bool:
    return f.kind == "number" or f.inputmode in ("numeric", "decimal") or bool(
        re.search(r"amount|cost|bedrag|weeks|days|number|year|percentage|total", f.name))


def _is_date(f: Field) -> bool:
    return f.kind in ("date", "datetime-local") or f.name.endswith(("_on", "date", "_at"))


def wrong_values(f: Field) -> list[str]:
    if _is_date(f):
        return DATES
    if f.kind == "time" or f.name.endswith(("_start", "_end", "_time")):
        return TIMES
    if _is_number(f):
        return NUMBERS
    if f.kind in ("select", "radio", "checkbox", "hidden"):
        return CHOICES
    if f.kind == "email":
        return ["geen-e-mailadres", "a@", "@b.nl"]
    return TEXTS


_turn = itertools.count()


def variants(form: Form) -> list[tuple[str, list[tuple[str, object]]]]:
    """(label, data) pairs: each field with each class of bad value, the duplicates, and the files."""
    base = form.baseline()
    out = []
    for name in form.names():
        f = form.field(name)
        if f.kind in ("csrf", "file"):
            continue
        wrong = wrong_values(f)
        # Two wrong values per field (turning through the list, so each is used on some field) and the rest once.
        turn = next(_turn)
        classes = {"long": LONG, "script": SCRIPT, "control": CONTROL, "wrong": wrong[turn % len(wrong)]}
        if wrong in (NUMBERS, DATES, TIMES):  # typed fields get a second wrong value
            classes["wrong2"] = wrong[(turn + 1) % len(wrong)]
        others = [(k, v) for k, v in base if k != name]
        for label, value in classes.items():
            out.append((f"{name}={label}", [*others, (name, value)]))
        out.append((f"{name}=missing", others))
    out.append(("duplicated", [*base, *[(k, SCRIPT if not v else v + "x") for k, v in base]]))
    files = [f.name for f in form.fields if f.kind == "file"]
    for label, upload in (("empty file", lambda n: SimpleUploadedFile(n, b"", "application/pdf")),
                          ("fake pdf", lambda n: SimpleUploadedFile(n, b"%PDF-1.7\nniet echt", "application/pdf")),
                          ("too big", lambda n: SimpleUploadedFile(n, b"%PDF-1.7\n" + b"0" * (_limit() + 1024),
                                                                   "application/pdf"))):
        if files:
            out.append((label, [*base, *[(name, upload(f"{name}.pdf")) for name in files]]))
    return out


def _limit() -> int:
    return getattr(settings, "MIJNSCHADE_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


def _encoded(value) -> object:
    """A text as the bytes a (broken) client sends: a lone surrogate as its three UTF-8-like bytes."""
    if isinstance(value, str):
        return [value.encode("utf-8", "surrogatepass")]  # a list: the test client sends bytes in a list as is
    return value


def send(client, form: Form, data: list[tuple[str, object]]):
    if form.method == "get":
        from urllib.parse import urlencode
        query = urlencode([(k, v.encode("utf-8", "surrogatepass") if isinstance(v, str) else v) for k, v in data])
        joiner = "&" if "?" in form.action else "?"
        return client.get(form.action + joiner + query)
    multi: dict[str, list] = {}
    for key, value in data:
        encoded = _encoded(value)
        multi.setdefault(key, []).extend(encoded if isinstance(encoded, list) else [encoded])
    with transaction.atomic():
        response = client.post(form.action, multi)
        transaction.set_rollback(True)
    return response


def problems_of(response, form: Form, label: str, data: list) -> list[str]:
    status = response.status_code
    where = f"{form.method.upper()} {form.action} [{label}]"
    if status >= 500:
        return [f"{where}: server error {status}"]
    problems = []
    content_type = response.get("Content-Type", "")
    body = body_of(response) if "text/html" in content_type else ""
    if any(raw in body for raw in RAW_MARKUP):
        problems.append(f"{where}: the script is on the page unescaped")
    # A "preview" button asks for a confirmation page (the decision): a valid form then shows 200 on purpose.
    previewing = any(key == "preview" for key, _value in data)
    if (form.method == "post" and status == 200 and "text/html" in content_type and not previewing
            and not ERROR_REGION.search(body)):
        problems.append(f"{where}: shown again without an error message")
    return problems


def test_the_sweep_found_the_forms(world):
    """The sweep reaches the forms of every side: resident, report, desk, dossier, expert, commission, decisions,
    objections, finance, team, accounts."""
    _world, found = world
    actions = {f.form.action for f in found}
    for part in ("/mijn/MS-", "/melden/MS-", "/loket/", "/werk/zaken/MS-", "/deskundige/MS-", "/commissie/MS-",
                 "/besluiten/MS-", "/besluiten/bezwaren/MS-", "/financien/", "/werk/team/", "/inloggen/",
                 "/registreren/"):
        assert any(part in a for a in actions), f"no form sends to {part}: {sorted(actions)}"
    assert len(found) >= 40, len(found)


def _chunks(count: int) -> list[int]:
    return list(range(count))


CHUNKS = 8


@pytest.mark.parametrize("chunk", _chunks(CHUNKS))
def test_no_form_answers_bad_input_with_a_server_error(world, chunk):
    _world, found = world
    problems = []
    sent = 0
    clients: dict[int, object] = {}
    for index, item in enumerate(found):
        if index % CHUNKS != chunk:
            continue
        for label, data in variants(item.form):
            key = id(item.user)
            if key not in clients or (item.user is not None and "_auth_user_id" not in clients[key].session):
                clients[key] = client_for(item.user)
            response = send(clients[key], item.form, data)
            sent += 1
            problems += problems_of(response, item.form, label, data)
    assert problems == [], f"{len(problems)} problems in {sent} requests:\n" + "\n".join(sorted(set(problems)))


# --- the API ------------------------------------------------------------------------------------------------------

OPENAPI = settings.BASE_DIR / "openapi.yaml"


def _operations() -> list[tuple[str, str]]:
    spec = _spec()
    return [(method.upper(), path) for path, ops in spec["paths"].items() for method in ops
            if method in ("post", "put", "patch")]


ROLE_OF = {M.RESIDENT: "resident", M.DESK: "desk", M.GUIDE: "caseworker", M.EXPERT: "expert",
           M.COMMISSION: "commission", M.DECISION_MAKER: "decision_maker", M.COORDINATOR: "coordinator",
           M.FINANCE: "finance"}
CAST_ATTR = {M.RESIDENT: "resident", M.DESK: "desk", M.GUIDE: "caseworker", M.EXPERT: "expert",
             M.COMMISSION: "commission", M.DECISION_MAKER: "decision_maker", M.COORDINATOR: "coordinator",
             M.FINANCE: "finance"}
BODIES = {
    "long": lambda keys: {k: LONG for k in keys} or {"reason": LONG},
    "script": lambda keys: {k: SCRIPT for k in keys} or {"reason": SCRIPT},
    "wrong types": lambda keys: {k: [{"a": 1}] for k in keys} or {"reason": 12},
    "wrong values": lambda keys: {k: ["1e309", "31-02-2025", "NaN", "0000-00-00", "9" * 40][i % 5]
                                  for i, k in enumerate(keys)} or {"amount": "NaN", "received_on": "0000-00-00"},
    "huge numbers": lambda keys: {k: 10 ** 40 for k in keys} or {"amount": 10 ** 40},
    "not an object": lambda keys: [1, 2, 3],
    "control": lambda keys: {k: "a\u0000b" for k in keys} or {"reason": "a\u0000b"},
}


def _spec() -> dict:
    if not _SPEC:
        with open(OPENAPI, encoding="utf-8") as file:
            _SPEC.append(yaml.safe_load(file))
    return _SPEC[0]


_SPEC: list[dict] = []


def _takes_body(operation: tuple[str, str]) -> bool:
    return "requestBody" in _spec()["paths"][operation[1]][operation[0].lower()]


def _takes_files(operation: tuple[str, str]) -> bool:
    op = _spec()["paths"][operation[1]][operation[0].lower()]
    return "multipart/form-data" in op.get("requestBody", {}).get("content", {})


def _body_keys(operation: tuple[str, str]) -> list[str]:
    spec = _spec()
    op = spec["paths"][operation[1]][operation[0].lower()]
    content = op.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref:
        schema = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return list(schema.get("properties", {}))


def _target(world: W.World, operation: tuple[str, str]):
    """A caller who may call the operation (matrix_cases), and a claim of theirs in the state the row names."""
    case = M.CASES[operation]
    caller = next(c for c in (M.COORDINATOR, M.GUIDE, M.RESIDENT, M.DESK, M.EXPERT, M.COMMISSION,
                              M.DECISION_MAKER, M.FINANCE) if c in case.act)
    state = M.STATE_OF.get(case.state_for(caller) or "", case.state_for(caller) or "intake")
    entry = next((e for e in world.entries if e.state == state and not e.own), world.entry("intake"))
    return caller, entry


def _url(world: W.World, path: str, entry: W.Entry) -> str:
    claim = entry.claim
    item = claim.damage_items.values_list("pk", flat=True).first() or 1
    inspection = claim.inspections.values_list("pk", flat=True).first() or 1
    payment = entry.payment.pk if entry.payment else 1
    objection = claim.objections.values_list("pk", flat=True).first() or 1
    values = {"reference": claim.reference, "item_id": item, "document_id": 1, "id": inspection}
    if "/payments/" in path:
        values["id"] = payment
    elif "/objections/" in path:
        values["id"] = objection
    elif "/payment-batches/" in path:
        values["id"] = world.batch.pk
    elif "/absences/" in path:
        values["id"] = world.absence.pk
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def _shape_ok(response) -> bool:
    try:
        body = json.loads(body_of(response))
    except ValueError:
        return False
    return isinstance(body, dict) and {"detail", "code", "errors"} <= set(body)


def test_no_api_operation_answers_bad_input_with_a_server_error(world):
    built, _found = world
    forget_throttle_counts()
    problems = []
    sent = 0
    with override_settings(MIJNSCHADE_API=GENEROUS):
        for operation in _operations():
            caller, entry = _target(built, operation)
            user = getattr(entry.cast, CAST_ATTR[caller])
            client = token_client(user, ROLE_OF[caller])
            url = _url(built, operation[1], entry)
            keys = _body_keys(operation)
            method = getattr(client, operation[0].lower())
            attempts = [(label, {"data": make(keys), "format": "json"}) for label, make in BODIES.items()]
            if _takes_files(operation):  # an empty file and one that only says it is a PDF, as multipart
                for label, content in (("empty file", b""), ("fake pdf", b"%PDF-1.7\nniet echt")):
                    files = {k: SimpleUploadedFile(f"{k}.pdf", content, "application/pdf") for k in keys}
                    attempts.append((label, {"data": files or {"file": SimpleUploadedFile("a.pdf", content)},
                                             "format": "multipart"}))
            attempts += [
                ("malformed json", {"data": '{"reason": "x",', "content_type": "application/json"}),
                ("wrong content type", {"data": "reason=x", "content_type": "text/plain"}),
                ("json with a lone surrogate", {"data": b'{"reason": "\\ud800"}', "content_type": "application/json"}),
            ]
            for label, kwargs in attempts:
                with transaction.atomic():
                    response = method(url, **kwargs)
                    transaction.set_rollback(True)
                sent += 1
                where = f"{operation[0]} {operation[1]} as {caller} [{label}]"
                status = response.status_code
                if status >= 500:
                    problems.append(f"{where}: server error {status}")
                elif status >= 400 and not _shape_ok(response):
                    problems.append(f"{where}: {status} not in the error shape: {body_of(response)[:200]}")
                elif status < 400 and _takes_body(operation) and label in ("malformed json", "wrong content type",
                                                                            "not an object"):
                    problems.append(f"{where}: accepted ({status})")
    assert sent > 100
    assert problems == [], f"{len(problems)} problems in {sent} requests:\n" + "\n".join(problems)


def test_an_accepted_script_is_stored_as_text_and_shown_escaped(world):
    """The control for the reflection check: a note with the script is kept as it was typed and the dossier shows
    it escaped (so the sweep's "not verbatim" check looks at a page that does show the input)."""
    built, _found = world
    entry = built.entry("intake")
    client = client_for(entry.cast.caseworker)
    with transaction.atomic():
        reference = entry.claim.reference
        response = client.post(f"/werk/zaken/{reference}/notitie/", {"note-body": SCRIPT})
        assert response.status_code == 302
        page = body_of(client.get(f"/werk/zaken/{reference}/"))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert not any(raw in page for raw in RAW_MARKUP)
        assert Claim.objects.get(pk=entry.claim.pk).notes.filter(body=SCRIPT).exists()
        transaction.set_rollback(True)


# --- malformed values in the address itself -----------------------------------------------------------------------

# Values a route's parameters may be given in the address: a NUL byte, a lone surrogate's bytes, a very long
# text, a number beyond any database integer. Each route gets those its pattern lets through to the view.
PATH_VALUES = ["%00", "%ED%A0%80", "x" * 3000, "9" * 20]


def _accepts(route: Route, name: str) -> re.Pattern:
    converter = re.search(rf"<(?:(\w+):)?{name}>", route.pattern)
    if converter:
        return re.compile({"int": r"[0-9]+", "path": r".+", "slug": r"[-a-zA-Z0-9_]+"}.get(converter.group(1) or "str",
                                                                                           r"[^/]+"))
    start = route.pattern.index(f"(?P<{name}>") + len(f"(?P<{name}>")
    depth, end = 1, start
    while depth:
        depth += {"(": 1, ")": -1}.get(route.pattern[end], 0)
        end += 1
    return re.compile(route.pattern[start:end - 1])


def _decoded(value: str) -> str:
    from urllib.parse import unquote
    return unquote(value, errors="surrogateescape")


def malformed_urls(world: W.World, route: Route) -> list[str]:
    own = world.own.claim
    fallback = {"reference": own.reference, "item": own.damage_items.first().pk, "item_id": own.damage_items.first().pk,
                "name": "submit", "step": "woning", "token": "abc", "uidb64": "MQ", "pk": 1, "id": 1,
                "document_id": 1}
    urls = []
    for name in route.params:
        pattern = _accepts(route, name)
        for value in PATH_VALUES:
            if pattern.fullmatch(_decoded(value)):
                urls.append(build_url(route, {**fallback, name: value}))
    return urls


# Lists and searches given bad paging and filter values in the query string; and the desk's claim pages given a
# NUL byte for the reference (once a server error: PostgreSQL refuses NUL in a query; now only a well-formed
# reference reaches the desk's views).
QUERY_URLS = [
    "/loket/%00/", "/loket/%00/scans/", "/loket/?name=%00&postcode=%00&house_number=abc&reference=%00",
    "/loket/?house_number=" + "9" * 25, "/werk/?page=abc", "/werk/?page=-1", "/werk/?page=" + "9" * 20,
    "/werk/?status=%00&municipality=%00&overdue=%00&urgent=%00&q=%00", "/werk/export.csv?q=%00&status=xx",
    "/werk/team/?page=abc&q=%00", "/werk/team/inloggen/?q=%00&page=abc", "/financien/?page=abc&q=%00",
    "/mijn/?page=abc", "/api/v1/claims/?page=abc", "/api/v1/claims/?page_size=" + "9" * 20,
    "/api/v1/claims/?status=%00&ordering=%00&q=%00&municipality=%00&urgent=maybe&updated_after=31-02-2025",
    "/api/v1/events/?since=garbage", "/api/v1/events/?after=%00&cursor=%00", "/api/v1/people/?q=%00&page=abc",
    "/api/v1/properties/?postcode=%00", "/api/v1/payments/?status=%00&page=0",
]


def test_no_address_answers_a_malformed_parameter_with_a_server_error(world):
    built, _found = world
    problems, sent = [], 0
    with override_settings(MIJNSCHADE_API=GENEROUS):
        forget_throttle_counts()
        callers = [client_for(built.users[c]) for c in (W.COORDINATOR, W.RESIDENT, W.DESK, W.FINANCE)]
        callers += [token_client(built.users[W.COORDINATOR], "coordinator"), token_client(built.users[W.FINANCE],
                                                                                           "finance")]
        for route in all_routes():
            if route.name.startswith("admin") or route.name == "claims:logout":
                continue  # Django's own admin; the logout would end the session the next request needs
            api = route.name.startswith("api:")
            for url in malformed_urls(built, route):
                for client in callers[4:] if api else callers[:4]:
                    for method in ("get", "post"):
                        with transaction.atomic():
                            response = getattr(client, method)(url)
                            transaction.set_rollback(True)
                        sent += 1
                        if response.status_code >= 500:
                            problems.append(f"{method.upper()} {url[:120]}: {response.status_code}")
        for url in QUERY_URLS:
            for client in callers[4:] if url.startswith("/api/") else callers[:4]:
                sent += 1
                if (status := client.get(url).status_code) >= 500:
                    problems.append(f"GET {url}: {status}")
    assert client_for(built.users[W.DESK]).get("/loket/%00/").status_code == 404
    assert sent > 100
    assert problems == [], "\n".join(sorted(set(problems)))
