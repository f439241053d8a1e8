"""Schemathesis against the live schema: every operation /api/schema/ describes, called over real HTTP on
pytest-django's live server, as several roles with real API tokens. No answer may be a server error, and every
answer must be one the schema documents (status code, content type, body, headers).

Bounded for CI: few examples per operation, derandomized (the same cases on every run), no shrinking.
The data set (tests/api/fuzz_data.py) is made through the services and committed, and the path parameters are
a mix of real references/ids from it and generated values, so the fuzzer reaches the views, not only 404s.
Fuzzed POSTs fire transitions and create objects in the test database; letters are only queued (on Redis
when REDIS_URL is set, with no worker listening) and mail goes to Django's locmem outbox.

The figures (operations, cases per role, failures with a curl to reproduce) are printed at the end of the
module (`pytest -s`) and written to var/schemathesis-summary.txt."""

import itertools
import os
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import _pytest.nodes
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.result import Ok
from schemathesis.generation.meta import TestPhase
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tokens import api_token_create
from claims import roles as R
from tests.api import fuzz_data

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used from the test thread next to the server

pytestmark = pytest.mark.django_db(transaction=True)

# schemathesis 4.32's fixture-based loader renames the running test through `Node._nodeid`, which pytest 9.2
# replaced by `Node._id`: without this the test dies before the first call. Reading gives the node id, and the
# rename (only cosmetic: each operation is reported as a subtest with its own label) is dropped.
if not hasattr(_pytest.nodes.Node, "_nodeid"):
    _pytest.nodes.Node._nodeid = property(lambda node: node.nodeid, lambda node, value: None)

SUMMARY_FILE = Path(__file__).resolve().parents[2] / "var" / "schemathesis-summary.txt"
# The roles the whole schema runs as: the coordinator sees every claim, the resident only their own (and
# fires the resident's steps), finance the payment side, the guide most of the casework writes.
ROLES = [R.COORDINATOR, R.RESIDENT, R.FINANCE, R.CASEWORKER]
# Per operation and role: generated cases. Sized so the whole module stays under ~3 minutes on 2 cores.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
# The coverage phase (boundary and invalid values for every parameter and field, ~55 cases per operation) is
# too long for CI with 80+ operations; SCHEMATHESIS_COVERAGE=1 adds it for a deeper run by hand.
COVERAGE = os.environ.get("SCHEMATHESIS_COVERAGE") == "1"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
# Locally, SCHEMATHESIS_KEEP_GOING=1 records every distinct failure and goes on fuzzing (Hypothesis stops an
# operation at its first failure); the role's test still fails, at teardown, listing them all.
KEEP_GOING = os.environ.get("SCHEMATHESIS_KEEP_GOING") == "1"
PARAMETER = re.compile(r"\{([^}]+)\}")


# --- the figures -------------------------------------------------------------------------------------------


@dataclass
class RoleFigures:
    operations: set = field(default_factory=set)
    cases: Counter = field(default_factory=Counter)  # operation → cases sent
    statuses: Counter = field(default_factory=Counter)  # status code → count
    phases: Counter = field(default_factory=Counter)  # coverage / fuzzing / examples → cases
    by_operation: dict = field(default_factory=lambda: defaultdict(Counter))  # operation → status → count
    failures: dict = field(default_factory=dict)  # (operation, titles) → first reproduction
    seconds: float = 0.0  # in calls and checks
    setup_seconds: float = 0.0  # the data set and the token
    total_seconds: float = 0.0  # the whole test, setup included


@dataclass
class Figures:
    schema_operations: int = 0
    roles: dict = field(default_factory=lambda: defaultdict(RoleFigures))
    unmapped: set = field(default_factory=set)  # path parameters with no real values in the data set

    def text(self) -> str:
        lines = [f"schemathesis: {self.schema_operations} operations in the live schema; "
                 f"max_examples={MAX_EXAMPLES} per operation and role, coverage phase {'on' if COVERAGE else 'off'}"]
        total_cases = total_failures = 0
        for role, fig in self.roles.items():
            cases = sum(fig.cases.values())
            total_cases += cases
            total_failures += len(fig.failures)
            statuses = ", ".join(f"{code}: {n}" for code, n in sorted(fig.statuses.items()))
            phases = ", ".join(f"{name}: {n}" for name, n in sorted(fig.phases.items()))
            lines.append(f"- as {role}: {len(fig.operations)} operations, {cases} cases ({phases}), "
                         f"{len(fig.failures)} distinct failures; {fig.total_seconds:.0f} s in all, "
                         f"{fig.setup_seconds:.0f} s making the data, {fig.seconds:.0f} s in calls  [{statuses}]")
        lines.append(f"total: {total_cases} cases, {total_failures} distinct failures")
        if self.unmapped:
            lines.append("path parameters without real values (generated only): " + ", ".join(sorted(self.unmapped)))
        for role, fig in self.roles.items():
            lines.append(f"\nanswers per operation as {role}:")
            lines += [f"  {operation}: " + " ".join(f"{code}×{n}" for code, n in sorted(codes.items()))
                      for operation, codes in sorted(fig.by_operation.items(), key=lambda item: item[0].split()[::-1])]
        for role, fig in self.roles.items():
            lines += [f"\nFAILURE as {role}: {operation}: {titles}\n{text}"
                      for (operation, titles, _first_lines), text in fig.failures.items()]
        return "\n".join(lines) + "\n"


def _short(message: str) -> str:
    """Schemathesis's report without the response body: what failed, the status line, and the curl."""
    kept, skipping = [], False
    for line in message.splitlines():
        if not line.strip() or line.startswith("Schemathesis found"):
            continue
        if line.startswith("["):  # "[500] Internal Server Error:" — the body follows, indented
            kept.append(line)
            skipping = True
        elif line.startswith("Reproduce with"):
            skipping = False
        elif not skipping:
            kept.append(line)
    return "\n".join(kept[:40])


FIGURES = Figures()


@pytest.fixture(scope="module", autouse=True)
def _report_figures():
    yield
    text = FIGURES.text()
    print("\n" + text)
    SUMMARY_FILE.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY_FILE.write_text(text, encoding="utf-8")


# --- the caller, the data, the schema ----------------------------------------------------------------------


@dataclass
class Caller:
    role: str
    headers: dict
    figures: RoleFigures


@pytest.fixture
def fuzz_media(settings, tmp_path):
    """Uploads of the data set and of the fuzzer go to a temporary directory, not var/files."""
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return settings.MEDIA_ROOT


@pytest.fixture
def fuzz_set(transactional_db, fuzz_media):
    started = time.monotonic()
    data = fuzz_data.build()
    data.seconds = time.monotonic() - started
    return data


@pytest.fixture(params=ROLES)
def caller(request, fuzz_set, settings):
    started = time.monotonic() - fuzz_set.seconds
    role = request.param
    user = {R.COORDINATOR: fuzz_set.cast.coordinator, R.RESIDENT: fuzz_set.cast.resident,
            R.FINANCE: fuzz_set.cast.finance, R.CASEWORKER: fuzz_set.cast.caseworker,
            R.DECISION_MAKER: fuzz_set.cast.decision_maker}[role]
    _token, key = api_token_create(user=user, name=f"Schemathesis {role}", role=role, created_by=None)
    # The throttle is per token (1200/min): the fuzzer sends faster than any system may, and 429s would hide
    # the views behind it. Its own tests are elsewhere; here it is out of the way.
    settings.MIJNSCHADE_API = {**settings.MIJNSCHADE_API, "token_rate": "1000000/min"}
    calling = Caller(role=role, headers={"Authorization": f"Bearer {key}"}, figures=FIGURES.roles[role])
    calling.figures.setup_seconds = time.monotonic() - started
    yield calling
    calling.figures.total_seconds = time.monotonic() - started
    if KEEP_GOING and calling.figures.failures:
        pytest.fail(f"{len(calling.figures.failures)} distinct failures as {role}; see the summary")


def _real_path_parameters(path: str, values: dict) -> list[dict]:
    """Sets of real values for the parameters of `path`, consistent with each other: a document id together
    with the reference of its own claim. Empty when a parameter has no real values in the data set."""
    names = PARAMETER.findall(path)
    segments = path.strip("/").split("/")
    if names == ["reference"]:
        return [{"reference": r} for r in values["reference"]]
    if len(names) == 2 and names[0] == "reference":
        segment = segments[segments.index("{" + names[1] + "}") - 1]  # "documents" in …/documents/{document_id}/
        pairs = values["claim_children"].get(segment)
        if pairs:
            return [{"reference": r, names[1]: pk} for r, pk in pairs]
        FIGURES.unmapped.add(path)
        return []
    if len(names) == 1:
        segment = segments[segments.index("{" + names[0] + "}") - 1]
        ids = values["top_level"].get(segment)
        if ids:
            return [{names[0]: pk} for pk in ids]
    if names:
        FIGURES.unmapped.add(path)
    return []


@pytest.fixture
def api_schema(live_server, fuzz_set, caller):
    # 127.0.0.1 rather than localhost: no detour over ::1 on each connection.
    schema = schemathesis.openapi.from_url(live_server.url.replace("localhost", "127.0.0.1") + "/api/schema/")
    schema.config.phases.coverage.enabled = COVERAGE
    FIGURES.schema_operations = sum(isinstance(result, Ok) for result in schema.get_all_operations())
    values = fuzz_data.path_values(fuzz_set)
    real_by_path: dict[str, list[dict]] = {}
    rotation: dict[str, itertools.cycle] = {}

    def real_sets(path: str) -> list[dict]:
        if path not in real_by_path:
            real_by_path[path] = _real_path_parameters(path, values)
        return real_by_path[path]

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        """Fuzzing: mostly real objects of the data set, the rest as generated (unknown or malformed ids)."""
        real = real_sets(context.operation.path)
        if not real or not path_parameters:
            return st.just(path_parameters)
        # Real sets first: Hypothesis leans towards the first branch, and the generated one still comes up.
        return st.one_of(st.sampled_from(real).map(lambda values: {**path_parameters, **values}),
                         st.just(path_parameters))

    ids = fuzz_data.body_ids(fuzz_set)

    @schema.hook
    def flatmap_body(context, body):
        """Fields that name another object: a real one (a guide, an expert, a person) or what was generated."""
        if not isinstance(body, dict) or not (fields := [name for name in body if ids.get(name)]):
            return st.just(body)
        real = st.fixed_dictionaries({name: st.sampled_from(ids[name]) for name in fields})
        return st.one_of(real.map(lambda chosen: {**body, **chosen}), st.just(body))

    @schema.hook
    def map_case(context, case):
        """Coverage cases (not reached by the hook above): where the path is meant to be valid, a real object,
        taken in turn so each is visited; a deliberately invalid path stays as it is (the 404 is tested)."""
        if case.meta is None or case.meta.phase.name != TestPhase.COVERAGE or not case.path_parameters:
            return case
        component = case.meta.components.get(ParameterLocation.PATH)
        if component is not None and component.mode != GenerationMode.POSITIVE:
            return case
        real = real_sets(case.operation.path)
        if real:
            turn = rotation.setdefault(case.operation.path, itertools.cycle(real))
            case.path_parameters = {**case.path_parameters, **next(turn)}
        return case

    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                     phases=[Phase.explicit, Phase.generate],  # no shrinking: it multiplies the calls
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                            HealthCheck.data_too_large, HealthCheck.function_scoped_fixture,
                                            HealthCheck.differing_executors])
@schema.parametrize()
def test_every_answer_is_documented_and_none_is_a_server_error(case, caller):
    started = time.monotonic()
    figures = caller.figures
    figures.operations.add(case.operation.label)
    figures.cases[case.operation.label] += 1
    figures.phases[case.meta.phase.name.value if case.meta else "explicit"] += 1
    try:
        response = case.call(headers=caller.headers, timeout=30)
        figures.statuses[response.status_code] += 1
        figures.by_operation[case.operation.label][response.status_code] += 1
        # A download's bytes are not JSON: the checks still hold it to its documented status and media type.
        case.validate_response(response, checks=CHECKS, headers=caller.headers)
    except FailureGroup as failures:
        titles = "; ".join(sorted({f.title for f in failures.exceptions}))
        # Distinct by what failed, not only by the check: two different schema violations are two failures.
        first_lines = tuple(sorted({f.message.strip().split("\n")[0] for f in failures.exceptions}))
        key = (case.operation.label, titles, first_lines)
        if key not in figures.failures:
            figures.failures[key] = _short(_redacted(str(failures.message), caller))
        if not KEEP_GOING:
            raise
    finally:
        figures.seconds += time.monotonic() - started


def _redacted(text: str, caller: Caller) -> str:
    token = caller.headers["Authorization"].removeprefix("Bearer ")
    return text.replace(token, f"<token of a {caller.role}>")
