"""`manage.py seed_demo`: a demo whose every claim got its status through the real lifecycle services, loaded
once. Seeding takes a while, so one test seeds once and checks everything on that data."""

import datetime as dt
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F, OuterRef, Subquery
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims import deadlines, demo
from claims import roles as R
from claims.models import Claim, ClaimTransition, ClockEvent, DamageItem, Person, Property
from claims.selectors import claims_visible_to
from claims.states import State

User = get_user_model()
PASSWORD = demo.DEFAULT_PASSWORD
ROLE_LOGINS = {
    "bewoner": R.RESIDENT,
    "loket": R.DESK,
    "zaakbegeleider": R.CASEWORKER,
    "deskundige": R.EXPERT,
    "commissie": R.COMMISSION,
    "besluitvormer": R.DECISION_MAKER,
    "coordinator": R.COORDINATOR,
    "financien": R.FINANCE,
}


@pytest.fixture
def demo_settings(settings, monkeypatch, tmp_path):
    """Password hashing is slow on purpose; the demo's logins are checked, not its hash strength. The
    bewoner's letters are rendered into a temporary media root."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    models = (Claim, ClaimTransition, ClockEvent, DamageItem, Person, Property, User)
    return {model.__name__: model.objects.count() for model in models}


def _assert_histories_consistent(now: dt.datetime) -> None:
    last = ClaimTransition.objects.filter(claim=OuterRef("pk")).order_by("-created_at", "-pk")
    claims = Claim.objects.annotate(last_to=Subquery(last.values("to_state")[:1]))
    mismatched = [(c.reference, c.status, c.last_to) for c in claims if c.status != (c.last_to or State.DRAFT)]
    assert mismatched == []
    assert not Claim.objects.filter(status=State.DRAFT, transitions__isnull=False).exists()
    assert not ClaimTransition.objects.filter(created_at__gt=now).exists()
    for claim in Claim.objects.prefetch_related("transitions"):
        steps = sorted(claim.transitions.all(), key=lambda t: t.pk)
        assert [t.created_at for t in steps] == sorted(t.created_at for t in steps), claim.reference
        assert all(a.to_state == b.from_state for a, b in pairwise(steps)), claim.reference
    # The stored deadlines are the ones the clock events give today.
    today = timezone.localdate(now)
    for claim in Claim.objects.exclude(status=State.DRAFT).prefetch_related("clock_events"):
        assert claim.decision_due == deadlines.decision_clock(claim.clock_events.all(), as_of=today).due, claim
    # Four eyes: who advised never decided the same claim.
    assert not ClaimTransition.objects.filter(
        name="decide", claim__transitions__name="advise", claim__transitions__actor=F("actor")
    ).exists()


def _assert_logins() -> None:
    client = Client()
    for username, role in ROLE_LOGINS.items():
        user = User.objects.get(username=username)
        assert user.groups.filter(name=role).exists(), username
        assert user.is_staff == (role != R.RESIDENT) and not user.is_superuser, username
        assert client.login(username=username, password=PASSWORD), username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and client.login(username="admin", password=PASSWORD)
    assert User.objects.filter(is_superuser=True).count() == 1


def _assert_bewoner_portal() -> None:
    bewoner = User.objects.get(username="bewoner")
    own = Claim.objects.filter(applicant__user=bewoner)
    visible = claims_visible_to(bewoner)
    assert set(visible.values_list("pk", flat=True)) == set(own.values_list("pk", flat=True))
    assert set(visible.values_list("status", flat=True)) >= set(demo.BEWONER_CLAIMS)


@pytest.mark.django_db
def test_seed_demo_loads_a_consistent_demo_once(demo_settings):
    now = timezone.now()
    output = _seed()

    by_state = dict.fromkeys(State.values, 0)
    for status in Claim.objects.values_list("status", flat=True):
        by_state[status] += 1
    assert sum(by_state.values()) >= 200
    assert all(count >= 3 for count in by_state.values()), by_state
    assert Claim.objects.filter(submitted_at__lt=now - dt.timedelta(days=240)).exists()
    _assert_histories_consistent(timezone.now())
    _assert_logins()
    _assert_bewoner_portal()
    assert "bewoner" in output and "http://127.0.0.1:8000/" in output

    before = _counts()
    assert "already loaded" in _seed()
    assert _counts() == before


@pytest.mark.parametrize("total", [demo.MIN_CLAIMS, 100, demo.DEFAULT_CLAIMS, 1000])
def test_every_state_gets_claims(total):
    counts = demo.state_counts(total)
    assert sum(counts.values()) == total
    assert set(counts) == set(State.values) and min(counts.values()) >= 1


def test_too_few_claims_is_refused_before_anything_is_written():
    with pytest.raises(CommandError):
        call_command("seed_demo", claims=demo.MIN_CLAIMS - 1)


@pytest.mark.django_db
def test_demo_staff_pass_the_second_step_with_demo_code(demo_settings, client):
    """Staff need a second factor; the demo's staff have an app set up, and `demo_code` shows its code, which the
    real code step accepts. A real person's app is never readable that way."""
    output = _seed()
    assert "demo_code" in output
    out = StringIO()
    call_command("demo_code", "zaakbegeleider", stdout=out)
    code = out.getvalue().split()[0]
    assert len(code) == 6 and code.isdigit()

    response = client.post("/inloggen/", {"username": "zaakbegeleider", "password": demo.DEFAULT_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/code/")
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert client.get("/werk/").status_code == 200

    with pytest.raises(CommandError):
        call_command("demo_code", "bewoner")  # residents have no demo app
    real = User.objects.get(username="coordinator")
    TOTPDevice.objects.filter(user=real).update(name="app")  # as if the person set up their own
    with pytest.raises(CommandError):
        call_command("demo_code", "coordinator")
