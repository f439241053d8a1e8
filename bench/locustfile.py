"""The simulated users of the mixed load test (bench/load_mixed.py runs them; see there).

Every request is named `<group>: <what>` (groups: login, portal, casework, api); the report adds them up per group.
A request counts as failed unless it answers as a person would expect: the right status, the right page (a marker
in the HTML), the right redirect. Accounts and claims come from the JSON file in LOAD_FIXTURE that the preparing
step wrote; every simulated staff member and API client takes an account of their own.

Standalone, against a server the script prepared (`--keep-db`) and started:
    LOAD_FIXTURE=var/load/mijnschade_load.accounts.json .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from functools import cache
from urllib.parse import urlencode, urlsplit

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ASSETS = re.compile(r'<(?:link rel="stylesheet" href|script[^>]* src)="(/static/[^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SURNAMES = ("Janssen", "Smeets", "Hermans", "Peters", "Houben", "Lemmens", "Kessels", "Quaedvlieg")
CASELOAD_FILTERS = ("?overdue=on", "?status=inspection", "?status=intake", "?urgent=on", "?page=2",
                    "?status=info_requested&overdue=on")
API_FILTERS = ("?status=intake", "?status=inspection&municipality={m}", "?overdue=true", "?urgent=true",
               "?ordering=-updated_at", "?page=2", "?submitted_after=2025-01-01&ordering=decision_due",
               "?municipality={m}&page_size=100", "?status=decided&status=settlement")


def pause(low: float, high: float):
    """A person's pause between pages; none with LOAD_NO_PAUSE=1, to find how many requests a second the server
    answers when every user asks again at once (bench/run.py's saturating run)."""
    return constant(0) if os.environ.get("LOAD_NO_PAUSE") == "1" else between(low, high)


@cache
def fixture() -> dict:
    with open(os.environ["LOAD_FIXTURE"]) as file:
        return json.load(file)


def _take(kind: str):
    """Hands out the accounts of one kind in turn: no two simulated users share one (a TOTP code is used once)."""
    counter = _counters.setdefault(kind, itertools.count())
    accounts = fixture()[kind]
    return accounts[next(counter) % len(accounts)]


_counters: dict[str, itertools.count] = {}


def totp_code(device: dict, at: float | None = None) -> str:
    """What the authenticator app shows now (the same as tests/twofactor.py)."""
    # Imported here: django_otp brings in django.conf, and gevent's patching (importing locust) must come first.
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(device["key"]), device["step"], device["t0"], device["digits"], 0)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device['digits']}d}"


def path_of(location: str) -> str:
    return urlsplit(location).path


class Browser(FastHttpUser):
    """A person with a browser: forms with their CSRF token, redirects looked at one by one."""

    abstract = True
    wait_time = pause(1, 3)
    csrf = ""
    cached = False  # the browser has the style sheet and scripts (whitenoise lets it keep them)

    def page(self, url: str, name: str, *, marker: str | None = None, status: int = 200):
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            body = response.text or ""
            if not response.status_code:  # no answer at all: refused, reset or timed out
                response.failure(f"no answer for {url}: {response.error!r}")
            elif response.status_code != status:
                response.failure(f"HTTP {response.status_code} for {url} (wanted {status}); "
                                 f"location {(response.headers or {}).get('Location')}")
            elif marker is not None and marker not in body:
                response.failure(f"{url}: {marker!r} not on the page")
            else:
                token = CSRF.search(body)
                self.csrf = token.group(1) if token else self.csrf
        if not self.cached and body:
            self.cached = True
            for asset in sorted(set(ASSETS.findall(body))):
                with self.client.get(asset, name="static: style sheet and scripts (first page)",
                                     catch_response=True) as asset_response:
                    if asset_response.status_code != 200:
                        asset_response.failure(f"HTTP {asset_response.status_code} for {asset}")
        return response

    def send(self, url: str, fields: dict, name: str, *, to: str | None = None) -> str:
        """POST a form; it must answer with a redirect (to `to`, when given). Returns where it leads."""
        body = urlencode({"csrfmiddlewaretoken": self.csrf, **fields})
        with self.client.post(url, data=body, headers={**FORM, "Referer": self.host + url}, name=name,
                              catch_response=True, allow_redirects=False) as response:
            location = path_of((response.headers or {}).get("Location") or "")
            if not response.status_code:
                response.failure(f"no answer for POST {url}: {response.error!r}")
            elif response.status_code != 302:
                errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{3,200})', response.text or "")
                response.failure(f"POST {url}: HTTP {response.status_code}, no redirect; {errors[:3]}")
            elif to is not None and location != to:
                response.failure(f"POST {url} led to {location}, wanted {to}")
            return location

    def log_in(self, username: str, password: str, *, device: dict | None = None, landing: str) -> bool:
        self.client.cookiejar.clear()
        self.page("/inloggen/", "login: form", marker="csrfmiddlewaretoken")
        where = self.send("/inloggen/", {"username": username, "password": password},
                          "login: password (Argon2)", to="/inloggen/code/" if device else landing)
        if device is None:
            return where == landing
        if where != "/inloggen/code/":
            return False
        self.page("/inloggen/code/", "login: code form", marker="csrfmiddlewaretoken")
        return self.send("/inloggen/code/", {"code": totp_code(device)}, "login: TOTP code", to=landing) == landing


class Resident(Browser):
    """A resident's visit: log in (password only; no second factor unless they chose one), the portal, a claim
    with its letters and documents, a letter, now and then a message or a call-back request; after a few rounds
    they log out, and the next round starts a new visit with a new login."""

    fixed_count = 0
    logged_in = False

    def on_start(self) -> None:
        self.account = _take("residents")
        self.password = fixture()["password"]

    @task
    def visit(self) -> None:
        account = self.account
        if not self.logged_in:
            self.logged_in = self.log_in(account["email"], self.password, landing="/mijn/")
            if not self.logged_in:
                return
        self.page("/mijn/", "portal: home (my claims)", marker=account["claims"][0]["reference"])
        self.wait()
        claim = random.choice(account["claims"])
        reference = claim["reference"]
        self.page(f"/mijn/{reference}/", "portal: claim (status, letters, documents)", marker=reference)
        self.wait()
        if account["documents"] and random.random() < 0.5:
            with self.client.get(f"/documenten/{random.choice(account['documents'])}/",
                                 name="portal: document download", catch_response=True) as response:
                if response.status_code != 200 or not (response.content or b"").startswith(b"%PDF"):
                    response.failure(f"HTTP {response.status_code}, not a PDF")
            self.wait()
        roll = random.random()
        if roll < 0.25:
            self.page(f"/mijn/{reference}/bericht/", "portal: message form", marker="csrfmiddlewaretoken")
            self.wait()
            self.send(f"/mijn/{reference}/bericht/", {"body": "Is er al nieuws over de schade-opname? "
                                                               "Er is een nieuwe scheur bij de voordeur."},
                      "portal: message send", to=f"/mijn/{reference}/")
            self.page(f"/mijn/{reference}/", "portal: claim (status, letters, documents)", marker=reference)
        elif roll < 0.35:
            self.page(f"/mijn/{reference}/terugbellen/", "portal: call-back form", marker="csrfmiddlewaretoken")
            self.wait()
            self.send(f"/mijn/{reference}/terugbellen/",
                      {"phone": "045 123 45 67", "about": "other", "question": "Ik begrijp de brief niet."},
                      "portal: call-back send (e-mail to the guide)", to=f"/mijn/{reference}/")
            self.page(f"/mijn/{reference}/", "portal: claim (status, letters, documents)", marker=reference)
        if random.random() < 0.3:  # the visit ends
            self.send("/uitloggen/", {}, "portal: log out", to="/")
            self.logged_in = False


class Staff(Browser):
    """A staff member with an account and an authenticator of their own: password, then the TOTP code."""

    abstract = True
    kind = ""

    def on_start(self) -> None:
        # A failed login shows as failed requests here and on every page after it (they redirect to the login).
        self.account = _take(self.kind)
        self.log_in(self.account["username"], fixture()["password"], device=self.account, landing="/werk/")

    def caseload(self, query: str, name: str) -> None:
        self.page(f"/werk/{query}", name, marker='name="q"')  # the filter form: there with or without results


class CaseGuide(Staff):
    """A case guide's working day: the caseload, its filters, searches, and their own dossiers."""

    kind = "guides"
    fixed_count = 0

    @task(4)
    def own_caseload(self) -> None:
        self.caseload("", "casework: caseload")

    @task(3)
    def filtered(self) -> None:
        self.caseload(random.choice(CASELOAD_FILTERS), "casework: caseload, filtered")

    @task(2)
    def search(self) -> None:
        roll, account = random.random(), self.account
        if roll < 0.4 or not account["references"]:
            query = random.choice(SURNAMES)
        elif roll < 0.7:
            query = random.choice(account["addresses"])
        else:
            query = random.choice(account["references"])
        self.caseload("?" + urlencode({"q": query}), "casework: search (name, address, reference)")

    @task(4)
    def dossier(self) -> None:
        if self.account["references"]:
            reference = random.choice(self.account["references"])
            self.page(f"/werk/zaken/{reference}/", "casework: dossier", marker=reference)


class Coordinator(Staff):
    """A coordinator: the team view, the whole caseload, searches and any dossier."""

    kind = "coordinators"
    fixed_count = 0

    @task(3)
    def team(self) -> None:
        self.page("/werk/team/", "casework: team view (coordinator)", marker="team-loads")

    @task(2)
    def all_open(self) -> None:
        query = random.choice(("", "?overdue=on", f"?municipality={random.choice(fixture()['municipalities'])}"))
        self.caseload(query, "casework: caseload, all open (coordinator)")

    @task(1)
    def search(self) -> None:
        self.caseload("?" + urlencode({"q": random.choice(SURNAMES)}), "casework: search (name, address, reference)")

    @task(2)
    def dossier(self) -> None:
        reference = random.choice(fixture()["references"])
        self.page(f"/werk/zaken/{reference}/", "casework: dossier", marker=reference)


class ApiClient(FastHttpUser):
    """A system with a key of its own (Bearer): the claim list with filters, claims, their history, the feed."""

    fixed_count = 0
    wait_time = pause(0.5, 1.5)
    cursor = ""

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {_take('api')['key']}", "Accept": "application/json"}

    def get_json(self, url: str, name: str) -> dict | None:
        with self.client.get(url, headers=self.headers, name=name, catch_response=True) as response:
            try:
                data = response.json()
            except ValueError:
                data = None
            if response.status_code != 200 or not isinstance(data, dict):
                response.failure(f"HTTP {response.status_code} for {url}: {(response.text or '')[:300]}")
                return None
            return data

    @task(4)
    def claim_list(self) -> None:
        query = random.choice(API_FILTERS).format(m=random.choice(fixture()["municipalities"]))
        self.get_json(f"/api/v1/claims/{query}", "api: claims, filtered")

    @task(3)
    def claim_detail(self) -> None:
        self.get_json(f"/api/v1/claims/{random.choice(fixture()['references'])}/", "api: claim")

    @task(2)
    def history(self) -> None:
        self.get_json(f"/api/v1/claims/{random.choice(fixture()['references'])}/transitions/", "api: claim history")

    @task(2)
    def events(self) -> None:
        query = "?" + urlencode({"since": self.cursor}) if self.cursor else ""
        data = self.get_json(f"/api/v1/events/{query}", "api: events feed")
        if data:
            self.cursor = data["next_cursor"]


def user_classes(counts: dict[str, int]) -> list[type]:
    """The classes with their fixed numbers of users (bench/load_mixed.py plan_users)."""
    Resident.fixed_count = counts["residents"]
    CaseGuide.fixed_count = counts["guides"]
    Coordinator.fixed_count = counts["coordinators"]
    ApiClient.fixed_count = counts["api"]
    return [Resident, CaseGuide, Coordinator, ApiClient]
