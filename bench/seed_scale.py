"""Fill a PostgreSQL database with a whole institute's history, fast: set-based SQL, not the ORM.

    DATABASE_URL=postgres://mijnschade:mijnschade@127.0.0.1:5432/bench \\
        .venv/bin/python bench/seed_scale.py [--claims 250000] [--guides 100]

The database must be PostgreSQL and migrated (`manage.py migrate`; run with --migrate to do that first).
Seeding WIPES every claim, person, property and user in it, so it refuses a database that holds claims it
did not seed itself (no `bench-coordinator` account).

What it makes (deterministic for a given --seed and day):
- staff: `guides` case guides in teams by municipality, experts, desk staff, commission members, decision
  makers and one coordinator (`bench-coordinator`); all log in with password `bench`;
- ~0.8 persons and ~0.92 homes per claim, in the ten municipalities of the mining damage area (real
  postcode areas, unique addresses), names from common Limburg and Dutch first names and surnames;
- the claims: a history of eight years, ~85 % decided, closed, withdrawn or not admissible and ~15 % in the
  open states, decision terms running, suspended, extended and overdue; 1-3 damage items each; the
  transitions that led to each status, clock events, receipt letters, inspections, messages, internal
  notes and calls; deadline marks as the morning watch would leave them.
Every row satisfies the models' CHECK and UNIQUE constraints; a claim's status is the `to_state` of its
last transition. Ends with VACUUM (ANALYZE), and prints how long each part took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://mijnschade:mijnschade@127.0.0.1:5432/bench"
MARKER = "bench-coordinator"  # the account that shows a database was filled by this script
PASSWORD = "bench"
HISTORY_DAYS = 2900  # about eight years of claims
ADDRESSES_PER_POSTCODE = 20

# --- where --------------------------------------------------------------------------------------------

# The postcode areas (four digits) of the towns in each of the ten municipalities.
AREAS = {
    "Heerlen": (("Heerlen", range(6411, 6423)), ("Hoensbroek", range(6431, 6434))),
    "Kerkrade": (("Kerkrade", range(6461, 6469)), ("Eygelshoven", range(6471, 6473))),
    "Sittard-Geleen": (("Sittard", range(6131, 6138)), ("Geleen", range(6161, 6168)), ("Born", (6121, 6122))),
    "Landgraaf": (("Landgraaf", range(6371, 6375)),),
    "Brunssum": (("Brunssum", range(6441, 6447)),),
    "Beekdaelen": (("Nuth", (6361, 6362)), ("Schinveld", (6451,)), ("Schinnen", (6365,)), ("Amstenrade", (6436,))),
    "Stein": (("Stein", (6171,)), ("Elsloo", (6181,)), ("Urmond", (6129,))),
    "Beek": (("Beek", (6191,)), ("Spaubeek", (6176,))),
    "Voerendaal": (("Voerendaal", (6367,)), ("Klimmen", (6343,)), ("Ransdaal", (6311,))),
    "Simpelveld": (("Simpelveld", (6369,)), ("Bocholtz", (6351,))),
}
MUNICIPALITY_WEIGHTS = {
    "Heerlen": 27, "Kerkrade": 14, "Sittard-Geleen": 17, "Landgraaf": 10, "Brunssum": 8, "Beekdaelen": 8,
    "Stein": 5, "Beek": 4, "Voerendaal": 4, "Simpelveld": 3,
}
GEMEENTECODE = {
    "Heerlen": "0917", "Kerkrade": "0928", "Brunssum": "0899", "Landgraaf": "0882", "Simpelveld": "0965",
    "Voerendaal": "0986", "Sittard-Geleen": "1883", "Stein": "0971", "Beek": "0888", "Beekdaelen": "1954",
}
# Teams by municipality; guides are spread over them by the municipalities' share of the claims.
TEAMS = {
    "Team Heerlen": ("Heerlen",),
    "Team Kerkrade en Landgraaf": ("Kerkrade", "Landgraaf"),
    "Team Sittard-Geleen": ("Sittard-Geleen",),
    "Team Brunssum en Beekdaelen": ("Brunssum", "Beekdaelen"),
    "Team Westelijke Mijnstreek": ("Stein", "Beek"),
    "Team Heuvelland": ("Voerendaal", "Simpelveld"),
}
STREETS = (
    "Kerkstraat", "Hoofdstraat", "Dorpstraat", "Schoolstraat", "Molenweg", "Stationstraat", "Akerstraat",
    "Nieuwstraat", "Markt", "Kloosterstraat", "Julianastraat", "Wilhelminastraat", "Beatrixstraat",
    "Oranjestraat", "Emmastraat", "Prins Hendrikstraat", "Rijksweg", "Heerweg", "Veldstraat", "Groenstraat",
    "Bergstraat", "Kampstraat", "Beekstraat", "Mijnstraat", "Schachtstraat", "Koolmijnstraat",
    "Oranje Nassaustraat", "Emmaplein", "Hendrikplein", "Lindenlaan", "Eikenlaan", "Beukenlaan",
    "Kastanjelaan", "Berkenweg", "Meidoornstraat", "Vlierstraat", "Hazelaarstraat", "Brugstraat",
    "Putstraat", "Poststraat", "Raadhuisstraat", "Heiligenstraat", "Sint Pieterstraat", "Sint Jansstraat",
    "Pastoor Vonckenstraat", "Kapelaan Berixstraat", "Burgemeester Janssenstraat", "Valkenburgerweg",
    "Geleenstraat", "Limbrichterstraat", "Kouvenderstraat", "Schaesbergerweg", "Heerlenerweg",
    "Kerkraderweg", "Brunssummerweg", "Sittarderweg", "Maastrichterweg", "Gulpenerweg", "Nuthderweg",
    "Op de Bies", "In de Cramer", "Op de Kamp", "Aan de Voort", "Achter de Hoven", "Mauritslaan",
    "Einsteinstraat", "Keerweg", "Broekstraat", "Weiverlaan", "Heigank", "Kruisstraat", "Kasteelweg",
    "Landgraaf", "Holzstraat", "Pannesheiderstraat", "Eygelshovergracht", "Caumerweg", "Willemstraat",
)

# --- who ----------------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Jan", "Harrie", "Sjef", "Ger", "Wim", "Frans", "Jo", "Pierre", "Hub", "Math", "Piet", "Theo", "Twan",
    "Leo", "Noël", "Roger", "Guido", "Marco", "Stefan", "Luc", "Jos", "René", "Jean", "Huub", "Sjra", "Bert",
    "Paul", "Rob", "Ruud", "Peter", "Dennis", "Kevin", "Tim", "Bram", "Daan", "Ahmet", "Tomasz", "Mehmet",
    "Mia", "Annie", "Truus", "Lies", "Marij", "Wilma", "Carla", "Petra", "Monique", "Chantal", "Sandra",
    "Bianca", "Ellen", "Fatma", "Anna", "Lieke", "Sanne", "Nicole", "Mariëlle", "Jacqueline", "Hanny", "Ria",
    "Thea", "Yvonne", "Marlies", "Ingrid", "Esther", "Linda", "Kim", "Femke", "Anouk", "Lotte", "Iris",
)
# Roughly by how common they are in Zuid-Limburg: earlier names are drawn more often.
SURNAMES = (
    "Janssen", "Smeets", "Hermans", "Peters", "Jansen", "Houben", "Lemmens", "Kessels", "Willems", "Hendriks",
    "Jacobs", "Schepers", "Frijns", "Crijns", "Coenen", "Vroemen", "Ramakers", "Bemelmans", "Dassen",
    "Wetzels", "Gulpers", "Huntjens", "Meertens", "Pluijmen", "Bisschops", "Schoonbrood", "Lardinois",
    "Kleijnen", "Habets", "Notermans", "Vaessen", "Geurts", "Quaedvlieg", "Debets", "Moonen", "Claessens",
    "Ploumen", "Cremers", "Boosten", "Sijben", "Penders", "Mullenders", "Brouns", "Souren", "Wolfs",
    "Ubachs", "Hanssen", "Heijnen", "Jongen", "Kuijpers", "Leunissen", "Linders", "Maas", "Meijers",
    "Nijsten", "Offermans", "Paulssen", "Reijnders", "Rutten", "Schreurs", "Senden", "Stassen", "Steijns",
    "Thewissen", "Timmermans", "Vanderbroeck", "Verheggen", "Vincken", "Wijnen", "Zeegers", "Bongers",
    "Beckers", "Bessems", "Bours", "Canisius", "Cleven", "Dohmen", "Dreessen", "Erkens", "Gielen", "Goossens",
    "Gorissen", "Hamers", "Hoen", "Hollands", "Horbach", "Kockelkoren", "Kurvers", "Lambriks", "Loontjens",
    "Mertens", "Muijrers", "Nelissen", "Op den Camp", "Pricken", "Raedts", "Rademakers", "Roebroek",
    "Salden", "Savelberg", "Schols", "Simons", "Spronck", "Tummers", "Ummels", "Vestjens", "Voncken",
    "Wolters", "Xhonneux", "van der Linden", "de Vries", "van den Berg", "de Jong", "Bakker", "Visser",
    "Nowak", "Kowalczyk", "Rossi", "Kranjc", "Yilmaz", "El Idrissi", "Öztürk", "Bouzid",
)

# --- what ---------------------------------------------------------------------------------------------

DAMAGE_KINDS = ("crack", "crack", "crack", "subsidence", "tilt", "moisture", "sinkhole", "other")
LOCATIONS = ("Woonkamer", "Keuken", "Hal", "Slaapkamer boven", "Trappenhuis", "Gevel voorzijde",
             "Gevel achterzijde", "Zijgevel", "Aanbouw", "Badkamer", "Kelder", "Garage", "Terras", "Schoorsteen")
DESCRIPTIONS = (
    "Scheur van 2 mm boven de deur", "Trapscheur in het metselwerk naast het raam",
    "Haarscheuren in het stucwerk van het plafond", "Diagonale scheur vanuit de hoek van het kozijn",
    "Scheur in de voeg over de hele hoogte van de muur", "Wandtegels gescheurd langs een rechte lijn",
    "Vloer is verzakt langs de achtergevel", "Tegelvloer ligt hol en is gescheurd",
    "Terras is verzakt en loopt naar het huis toe af", "Deur sluit niet meer, het kozijn staat scheef",
    "Gevel helt naar voren", "Ramen klemmen sinds de zomer", "Vochtplekken onderaan de muur",
    "Water in de kelder na elke regenbui", "Gat in de tuin van ongeveer een meter breed",
)
CLAIM_TEXTS = (
    "Sinds een paar maanden zien wij steeds meer scheuren in huis.",
    "Na de trilling van vorige maand sluiten de deuren niet meer goed.",
    "De scheuren in de gevel worden groter, wij maken ons zorgen.",
    "Onze buren hebben dezelfde schade gemeld.",
    "De vloer in de keuken zakt weg en de tegels breken.",
)
NOTES = (
    "Dossier doorgenomen, foto's zijn duidelijk.", "Wacht op de planning van de deskundige.",
    "Aanvrager wil graag een afspraak na 16 uur.", "Conceptadvies nagekeken, klopt met het rapport.",
    "Eerdere melding op dit adres gevonden, gekoppeld.", "Let op: aanvrager is slechthorend, liever per brief.",
)
CALLS = (
    "Aanvrager vroeg hoe lang het nog duurt; uitleg gegeven over de termijn.",
    "Gebeld over de afspraak met de deskundige; datum past.",
    "Aanvrager heeft de ontbrekende foto's per post gestuurd.",
    "Teruggebeld: vraag over het conceptadvies beantwoord.",
)
MESSAGES = (
    "Wanneer komt de deskundige langs?", "Hierbij de foto's van de scheur in de keuken.",
    "Kunt u mij terugbellen? Ik ben overdag thuis.", "Bedankt voor uw bericht, wij nemen contact met u op.",
    "De schade is erger geworden sinds mijn melding.", "Wij hebben uw aanvulling ontvangen.",
)

# Per status: share of all claims (per mille), and when its key moment happened, in days before today
# (lo, hi): the submission for open states, the decision for decided ones, the withdrawal, the draft's start.
# (dlo, dhi): days from submission to that moment, for states past a decision or a withdrawal.
OPEN_FAMILY = ("submitted", "intake", "info_requested", "inspection", "advice_draft", "response_period",
               "commission_review", "decision_pending", "on_hold")
STATES = (
    # status, per mille, lo, hi, dlo, dhi
    ("draft", 5, 0, 120, 0, 0),
    ("submitted", 12, 0, 14, 0, 0),
    ("intake", 25, 3, 45, 0, 0),
    ("info_requested", 15, 10, 75, 0, 0),
    ("inspection", 35, 20, 90, 0, 0),
    ("advice_draft", 12, 35, 100, 0, 0),
    ("response_period", 15, 40, 110, 0, 0),
    ("commission_review", 12, 45, 120, 0, 0),
    ("decision_pending", 10, 50, 130, 0, 0),
    ("on_hold", 4, 20, 200, 0, 0),
    ("decided", 50, 1, 42, 45, 150),
    ("objection", 15, 20, 120, 45, 150),
    ("settlement", 40, 10, 400, 45, 150),
    ("closed", 600, 30, HISTORY_DAYS, 45, 180),
    ("not_admissible", 60, 1, HISTORY_DAYS, 14, 60),
    ("withdrawn", 90, 1, HISTORY_DAYS, 5, 120),
)
assert sum(s[1] for s in STATES) == 1000
HOLD_FROM = ("intake", "inspection", "advice_draft", "response_period")

# The path from draft to each status: the lifecycle's transition names (claims/models/claim.py).
MAIN_PATH = (
    ("submit", "draft", "submitted"), ("start_intake", "submitted", "intake"),
    ("plan_inspection", "intake", "inspection"), ("record_advice", "inspection", "advice_draft"),
    ("send_advice", "advice_draft", "response_period"),
    ("forward_to_commission", "response_period", "commission_review"),
    ("advise", "commission_review", "decision_pending"), ("decide", "decision_pending", "decided"),
)


def _upto(state: str) -> list[tuple[str, str, str]]:
    steps = []
    for step in MAIN_PATH:
        if state == "draft":
            break
        steps.append(step)
        if step[2] == state:
            break
    return steps


def paths() -> dict[str, list[tuple[str, str, str]]]:
    """Path key → the transitions in order. Keys: a status, 'on_hold:<from>', or 'closed_award'."""
    found = {state: _upto(state) for state in ("submitted", "intake", "inspection", "advice_draft",
                                                 "response_period", "commission_review", "decision_pending",
                                                 "decided")}
    found["info_requested"] = [*_upto("intake"), ("request_info", "intake", "info_requested")]
    found["objection"] = [*_upto("decided"), ("file_objection", "decided", "objection")]
    found["settlement"] = [*_upto("decided"), ("start_settlement", "decided", "settlement")]
    found["closed"] = [*_upto("decided"), ("close", "decided", "closed")]
    found["closed_award"] = [*found["settlement"], ("close", "settlement", "closed")]
    found["not_admissible"] = [*_upto("intake"), ("declare_not_admissible", "intake", "not_admissible")]
    found["withdrawn"] = [*_upto("intake"), ("withdraw", "intake", "withdrawn")]
    for state in HOLD_FROM:
        found[f"on_hold:{state}"] = [*_upto(state), ("hold", state, "on_hold")]
    return found


def path_rows() -> list[tuple[str, int, str, str, str, int, float]]:
    """(key, step, name, from, to, phase, frac): phase 0 runs from submission to the decision (or to the
    last step), phase 1 from the decision to the last step; frac is the step's place within its phase."""
    rows = []
    for key, steps in paths().items():
        cut = next((n for n, step in enumerate(steps) if step[0] == "decide"), len(steps) - 1)
        before, after = steps[: cut + 1], steps[cut + 1:]
        for n, (name, source, target) in enumerate(before):
            rows.append((key, n + 1, name, source, target, 0, n / max(1, len(before) - 1)))
        for n, (name, source, target) in enumerate(after):
            rows.append((key, len(before) + n + 1, name, source, target, 1, (n + 1) / len(after)))
    return rows


# --- the pieces ---------------------------------------------------------------------------------------


def postcode_rows(n_properties: int, rng: random.Random) -> list[tuple]:
    """(idx, postcode, street, town, municipality, gemeentecode): one row per postcode, each holding
    ADDRESSES_PER_POSTCODE addresses; postcodes per municipality by its weight."""
    letters = [a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
               if a + b not in ("SA", "SD", "SS")]
    needed = math.ceil(n_properties / ADDRESSES_PER_POSTCODE)
    total = sum(MUNICIPALITY_WEIGHTS.values())
    shares = {m: needed * w // total for m, w in MUNICIPALITY_WEIGHTS.items()}
    for m in sorted(MUNICIPALITY_WEIGHTS, key=MUNICIPALITY_WEIGHTS.get, reverse=True)[: needed - sum(shares.values())]:
        shares[m] += 1
    rows, idx = [], 0
    for municipality, count in shares.items():
        areas = [(town, pc4) for town, numbers in AREAS[municipality] for pc4 in numbers]
        used = {area: 0 for area in areas}
        streets = list(STREETS)
        rng.shuffle(streets)
        for k in range(count):
            town, pc4 = area = areas[k % len(areas)]
            n = used[area]
            if n >= len(letters):
                raise ValueError(f"too many addresses for {municipality}; raise ADDRESSES_PER_POSTCODE")
            used[area] = n + 1
            # Ten postcodes make one street: both sides, numbers 1-200.
            street = streets[(areas.index(area) * 7 + n // 10) % len(streets)]
            rows.append((idx, f"{pc4}{letters[n]}", street, town, municipality, GEMEENTECODE[municipality]))
            idx += 1
    return rows


def coprime_step(n: int, start: int) -> int:
    step = start
    while math.gcd(step, n) != 1:
        step += 1
    return step


def staff_plan(guides: int) -> tuple[list[tuple], dict[str, list[int]]]:
    """The staff accounts (id, username, first, last, role) and the guide ids per team."""
    if guides < len(TEAMS):
        raise ValueError(f"need at least {len(TEAMS)} guides, one per team")
    weights = {team: sum(MUNICIPALITY_WEIGHTS[m] for m in ms) for team, ms in TEAMS.items()}
    total = sum(weights.values())
    per_team = {team: max(1, guides * w // total) for team, w in weights.items()}
    for team in sorted(weights, key=weights.get, reverse=True):
        if sum(per_team.values()) >= guides:
            break
        per_team[team] += 1
    rng = random.Random(7)
    users, team_guides = [(1, MARKER, "Paul", "Houben", "coordinator")], {}
    next_id = 2
    number = 1
    for team, count in per_team.items():
        team_guides[team] = []
        for _ in range(count):
            users.append((next_id, f"bench-guide-{number:03d}", rng.choice(FIRST_NAMES), rng.choice(SURNAMES),
                          "caseworker"))
            team_guides[team].append(next_id)
            next_id += 1
            number += 1
    for role, prefix, count in (("expert", "bench-expert", 20), ("desk", "bench-desk", 4),
                                ("commission", "bench-commission", 3), ("decision_maker", "bench-decider", 2)):
        for k in range(1, count + 1):
            users.append((next_id, f"{prefix}-{k:02d}", rng.choice(FIRST_NAMES), rng.choice(SURNAMES), role))
            next_id += 1
    return users, team_guides


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


class Timer:
    def __init__(self, verbose: bool):
        self.verbose, self.started, self.laps = verbose, time.perf_counter(), {}

    def lap(self, label: str, cursor=None, table: str | None = None) -> None:
        now = time.perf_counter()
        took = now - getattr(self, "_last", self.started)
        self._last = now
        self.laps[label] = took
        if self.verbose:
            rows = ""
            if cursor is not None and table:
                cursor.execute(f"SELECT count(*) FROM {table}")
                rows = f"{cursor.fetchone()[0]:>10,} rows"
            print(f"  {label:<34} {took:7.1f} s  {rows}", flush=True)


# --- the seeding ----------------------------------------------------------------------------------------


def wipe(cursor) -> None:
    """Empty the database for seeding: only one this script filled before (it has the MARKER account), or
    one that holds no claims, persons or accounts at all."""
    cursor.execute("SELECT (SELECT count(*) FROM auth_user WHERE username = %s), (SELECT count(*) FROM claims_claim), "
                   "(SELECT count(*) FROM claims_person), (SELECT count(*) FROM auth_user)", [MARKER])
    marked, claims, persons, users = cursor.fetchone()
    if not marked and (claims or persons or users):
        raise SystemExit(f"Refusing to wipe a database with {claims} claims, {persons} persons and {users} "
                         f"accounts that this script did not fill (no {MARKER!r}); use an empty database.")
    # Everything that points at a user, a claim, a person or a home goes with them.
    cursor.execute("TRUNCATE auth_user, claims_claim, claims_person, claims_property, claims_team, "
                   "claims_referencecounter RESTART IDENTITY CASCADE")


# The tables filled in bulk. Their plain indexes and foreign keys are dropped while loading and made again
# afterwards: one index build and one set-based foreign-key check per table instead of one per row
# (Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so per-row checks would all queue up for COMMIT).
BULK_TABLES = ("claims_person", "claims_property", "claims_claim", "claims_damageitem", "claims_claimtransition",
               "claims_clockevent", "claims_document", "claims_letter", "claims_inspection", "claims_message",
               "casework_note", "casework_deadlinemark")


def _drop_for_loading(cur) -> tuple[list, list]:
    cur.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])", [list(BULK_TABLES)])
    foreign_keys = cur.fetchall()
    cur.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique AND NOT indisprimary",
                [list(BULK_TABLES)])
    indexes = cur.fetchall()
    for table, name, _ in foreign_keys:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cur.execute(f"DROP INDEX {name}")
    return foreign_keys, indexes


def _restore(cur, dropped: tuple[list, list]) -> None:
    foreign_keys, indexes = dropped
    for _, definition in indexes:
        cur.execute(definition)
    for table, name, definition in foreign_keys:
        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def seed(n_claims: int = 250_000, *, guides: int = 100, persons: int | None = None,
         properties: int | None = None, seed: int = 2026, verbose: bool = True) -> dict[str, float]:
    """Wipe the bench database and fill it; returns the seconds per part (and 'total')."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from casework.attention import due_soon_limit
    from claims import timeutil

    if connection.vendor != "postgresql":
        raise SystemExit("The scale seed needs PostgreSQL (set DATABASE_URL).")
    persons = persons or max(1, round(n_claims * 0.8))
    properties = properties or max(1, round(n_claims * 0.92))
    rng = random.Random(seed)
    now = timeutil.now()
    today = timeutil.today()
    timer = Timer(verbose)
    if verbose:
        print(f"Seeding {n_claims:,} claims, {persons:,} persons, {properties:,} homes, {guides} guides "
              f"into {connection.settings_dict['NAME']} (today {today})", flush=True)

    users, team_guides = staff_plan(guides)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        wipe(cur)
        cur.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        dropped = _drop_for_loading(cur)
        timer.lap("wipe, drop indexes and foreign keys")
        _seed_staff(cur, users, team_guides, now, make_password(PASSWORD))
        timer.lap("staff, teams, groups", cur, "auth_user")
        _seed_persons(cur, persons, now)
        timer.lap("persons", cur, "claims_person")
        _seed_properties(cur, properties, rng)
        timer.lap("homes", cur, "claims_property")
        _seed_plan(cur, n_claims, properties, persons, users, team_guides, now, today)
        timer.lap("claim plan (temp table)")
        _seed_claims(cur)
        timer.lap("claims", cur, "claims_claim")
        _seed_damage(cur)
        timer.lap("damage items", cur, "claims_damageitem")
        _seed_transitions(cur)
        timer.lap("transitions", cur, "claims_claimtransition")
        _seed_clock(cur)
        timer.lap("clock events", cur, "claims_clockevent")
        _seed_letters(cur, n_claims)
        timer.lap("receipt letters + documents", cur, "claims_letter")
        _seed_inspections(cur)
        timer.lap("inspections", cur, "claims_inspection")
        _seed_messages(cur, now)
        timer.lap("messages", cur, "claims_message")
        _seed_notes(cur)
        timer.lap("notes and calls", cur, "casework_note")
        _seed_watch(cur, today, due_soon_limit(today), users)
        timer.lap("deadline marks, absences", cur, "casework_deadlinemark")
        _finish(cur)
        timer.lap("sequences, reference counters")
        _restore(cur, dropped)
        timer.lap("rebuild indexes, check foreign keys")
    with connection.cursor() as cur:
        # As autovacuum would have left a live database: statistics, and the visibility map that lets
        # index-only scans skip the table.
        for table in ("auth_user", "auth_user_groups", "claims_team", "claims_team_members", "claims_absence",
                      "claims_staffprofile", "claims_referencecounter", *BULK_TABLES):
            cur.execute(f"VACUUM (ANALYZE) {table}")
    timer.lap("VACUUM (ANALYZE)")
    total = time.perf_counter() - timer.started
    timer.laps["total"] = total
    if verbose:
        print(f"Seeded in {total:.1f} s ({total / 60:.1f} min)", flush=True)
    return timer.laps


def _seed_staff(cur, users, team_guides, now, password_hash) -> None:
    copy_rows(cur, "auth_user", ("id", "password", "is_superuser", "username", "first_name", "last_name",
                                 "email", "is_staff", "is_active", "date_joined"),
              [(uid, password_hash, False, username, first, last, f"{username}@i3ml.example", False, True,
                now - dt.timedelta(days=HISTORY_DAYS + 30)) for uid, username, first, last, _ in users])
    cur.execute("CREATE TEMP TABLE bench_roles (user_id int, role text) ON COMMIT DROP")
    copy_rows(cur, "bench_roles", ("user_id", "role"), [(uid, role) for uid, _, _, _, role in users])
    cur.execute("""
        INSERT INTO auth_user_groups (user_id, group_id)
        SELECT r.user_id, g.id FROM bench_roles r JOIN auth_group g ON g.name = r.role
    """)
    cur.execute("SELECT count(*) FROM bench_roles r LEFT JOIN auth_group g ON g.name = r.role WHERE g.id IS NULL")
    if cur.fetchone()[0]:
        raise SystemExit("The role groups are missing: run manage.py migrate first.")
    copy_rows(cur, "claims_staffprofile", ("user_id", "phone", "conflict_declaration", "declaration_updated_on"),
              [(uid, f"045 {5000000 + uid:07d}"[:30],
                "Geen nevenfuncties. Geen banden met de mijnbouw." if role == "expert" else "",
                now.date() - dt.timedelta(days=90) if role == "expert" else None)
               for uid, _, _, _, role in users])
    for n, (team, ids) in enumerate(team_guides.items(), start=1):
        cur.execute("INSERT INTO claims_team (id, name, municipalities) VALUES (%s, %s, %s::jsonb)",
                    [n, team, _json_list(TEAMS[team])])
        cur.execute("INSERT INTO claims_team_members (team_id, user_id) SELECT %s, unnest(%s::int[])", [n, ids])


def _json_list(values) -> str:
    import json

    return json.dumps(list(values))


def _seed_persons(cur, persons: int, now) -> None:
    # Earlier surnames come up more often (power-law draw), so a search on "Janssen" finds thousands.
    cur.execute("""
        INSERT INTO claims_person (id, name, email, phone, postal_address, preferred_channel, digital_consent_at,
                                   language, created_at, user_id, email_verified_at, privacy_accepted_at)
        SELECT g, full_name,
               CASE WHEN r_mail < 0.65 THEN lower(translate(first, 'ëéèöüÖ ', 'eeeouO'))
                    || '.' || lower(translate(last, 'ëéèöüÖ ', 'eeeouO')) || g || '@example.nl' ELSE '' END,
               CASE WHEN r_phone < 0.8 THEN '06 ' || lpad((g * 7919 %% 100000000)::text, 8, '0') ELSE '' END,
               '',
               CASE WHEN r_mail < 0.35 THEN 'digital' ELSE 'paper' END,
               CASE WHEN r_mail < 0.35 THEN created END,
               CASE WHEN r_lang < 0.97 THEN 'nl' ELSE 'en' END,
               created, NULL,
               CASE WHEN r_mail < 0.65 THEN created END,
               CASE WHEN r_mail < 0.65 THEN created END
        FROM (
            SELECT g, first, last, r_mail, r_phone, r_lang, created,
                   CASE WHEN r_init < 0.25 THEN left(first, 1) || '. ' || last ELSE first || ' ' || last END
                       AS full_name
            FROM (
                SELECT g,
                       (%(first)s::text[])[1 + floor(random() * %(n_first)s)::int] AS first,
                       (%(last)s::text[])[1 + floor(power(random(), 1.5) * %(n_last)s)::int] AS last,
                       random() AS r_init, random() AS r_mail, random() AS r_phone, random() AS r_lang,
                       %(now)s - make_interval(days => %(days)s) * random() AS created
                FROM generate_series(1, %(n)s) g
            ) draws
        ) people
    """, {"first": list(FIRST_NAMES), "n_first": len(FIRST_NAMES), "last": list(SURNAMES),
          "n_last": len(SURNAMES), "now": now, "days": HISTORY_DAYS + 30, "n": persons})


def _seed_properties(cur, properties: int, rng: random.Random) -> None:
    cur.execute("CREATE TEMP TABLE bench_pc (idx int PRIMARY KEY, postcode text, street text, town text, "
                "municipality text, gemeentecode text) ON COMMIT DROP")
    copy_rows(cur, "bench_pc", ("idx", "postcode", "street", "town", "municipality", "gemeentecode"),
              postcode_rows(properties, rng))
    # Ten postcodes make a street: per postcode one side (odd or even) of a stretch of 40 numbers.
    cur.execute("""
        INSERT INTO claims_property (id, postcode, house_number, house_number_addition, street, town, municipality,
                                     in_mining_area, bag_id, build_year, is_monument)
        SELECT g + 1, pc.postcode,
               1 + (pc.idx %% 2) + 40 * ((pc.idx %% 10) / 2) + 2 * (g %% %(per)s),
               '', pc.street, pc.town, pc.municipality, true,
               pc.gemeentecode || '01' || lpad((g + 1)::text, 10, '0'),
               CASE WHEN random() < 0.9 THEN 1890 + floor(random() * 125)::int END,
               random() < 0.01
        FROM generate_series(0, %(n)s - 1) g
        JOIN bench_pc pc ON pc.idx = g / %(per)s
    """, {"per": ADDRESSES_PER_POSTCODE, "n": properties})


def _seed_plan(cur, n_claims, properties, persons, users, team_guides, now, today) -> None:
    """One temp row per claim with every draw and derived moment; the tables are filled from it."""
    cur.execute("CREATE TEMP TABLE bench_states (status text PRIMARY KEY, lo float8, hi float8, dlo float8, "
                "dhi float8, family text) ON COMMIT DROP")
    family = {s: ("open" if s in OPEN_FAMILY else "draft" if s == "draft" else
                  "withdrawn" if s == "withdrawn" else "decision") for s, *_ in STATES}
    copy_rows(cur, "bench_states", ("status", "lo", "hi", "dlo", "dhi", "family"),
              [(s, lo, hi, dlo, dhi, family[s]) for s, _, lo, hi, dlo, dhi in STATES])
    cuts, acc = [], 0
    for _, share, *_ in STATES:
        cuts.append(acc / 1000)
        acc += share
    cur.execute("CREATE TEMP TABLE bench_guides (municipality text PRIMARY KEY, ids int[]) ON COMMIT DROP")
    copy_rows(cur, "bench_guides", ("municipality", "ids"),
              [(m, team_guides[team]) for team, ms in TEAMS.items() for m in ms])
    ids_of = {role: [u[0] for u in users if u[4] == role] for role in ("expert", "desk", "commission",
                                                                      "decision_maker")}
    params = {
        "n": n_claims, "n_props": properties, "n_persons": persons, "now": now, "today": today,
        "states": [s[0] for s in STATES], "cuts": cuts, "hold_from": list(HOLD_FROM),
        "p_step": coprime_step(properties, 1_000_003), "q_step": coprime_step(persons, 700_001),
        "experts": ids_of["expert"], "desk": ids_of["desk"], "commission": ids_of["commission"],
        "deciders": ids_of["decision_maker"], "decision_days": 56, "extension_days": 56, "reply_days": 28,
        "response_days": 14,
    }
    cur.execute("""
        CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
        WITH draws AS (
            SELECT g AS draw,
                   (%(states)s::text[])[width_bucket(random(), %(cuts)s::float8[])] AS status,
                   CASE WHEN g <= %(n_props)s THEN ((g - 1)::bigint * %(p_step)s %% %(n_props)s) + 1
                        ELSE 1 + floor(random() * %(n_props)s)::bigint END AS property_id,
                   random() AS a, random() AS b, random() AS c, random() AS e, random() AS f, random() AS h,
                   random() AS k, random() AS m, random() AS u, random() AS w
            FROM generate_series(1, %(n)s) g
        ), anchored AS (
            SELECT d.*, s.family, p.municipality,
                   ((d.property_id - 1) * %(q_step)s %% %(n_persons)s) + 1 AS applicant_id,
                   %(now)s - make_interval(secs => (s.lo + d.a * (s.hi - s.lo)) * 86400) AS anchor,
                   make_interval(secs => (s.dlo + d.b * (s.dhi - s.dlo)) * 86400) AS handling,
                   gd.ids AS guide_ids
            FROM draws d
            JOIN bench_states s USING (status)
            JOIN claims_property p ON p.id = d.property_id
            JOIN bench_guides gd ON gd.municipality = p.municipality
        ), timed AS (
            SELECT x.*,
                   CASE family WHEN 'draft' THEN NULL WHEN 'open' THEN anchor ELSE anchor - handling END AS sub,
                   CASE WHEN family = 'decision' THEN anchor END AS decided_at,
                   CASE status WHEN 'withdrawn' THEN anchor
                               WHEN 'closed' THEN anchor + (%(now)s - anchor) * (0.1 * c) END AS closed_at,
                   CASE WHEN status = 'on_hold' THEN (%(hold_from)s::text[])[1 + floor(e * 4)::int] ELSE '' END
                       AS held_from,
                   CASE WHEN w < 0.70 THEN 'online' WHEN w < 0.85 THEN 'desk' WHEN w < 0.90 THEN 'phone'
                        ELSE 'post' END AS channel,
                   guide_ids[1 + floor(k * array_length(guide_ids, 1))::int] AS guide_id,
                   500 + round((power(u, 2) * 60000)::numeric, -1) AS claimed
            FROM anchored x
        ), shaped AS (
            SELECT t.*,
                   (sub AT TIME ZONE 'Europe/Amsterdam')::date AS sub_date,
                   COALESCE(sub, anchor) - make_interval(secs => e * 2 * 86400) AS created_at,
                   CASE
                       WHEN status IN ('info_requested', 'on_hold')
                           THEN GREATEST(sub + interval '1 day',
                                         %(now)s - make_interval(days => 1 + floor(f * 25)::int))
                       WHEN status = 'objection' THEN decided_at + (%(now)s - decided_at) * (0.2 + 0.6 * c)
                       WHEN status = 'settlement' THEN decided_at + (%(now)s - decided_at) * (0.3 * c)
                       WHEN family = 'open' THEN sub + (%(now)s - sub) * (0.3 + 0.7 * c)
                       WHEN status = 'closed' THEN closed_at
                       ELSE anchor
                   END AS last_at,
                   status IN ('info_requested', 'on_hold') AS suspended_now,
                   -- a past suspension (an answered info request) on a quarter of the claims that had time for it
                   h < 0.25 AND status NOT IN ('draft', 'submitted', 'withdrawn', 'info_requested', 'on_hold')
                       AND family <> 'draft' AND (%(today)s - (sub AT TIME ZONE 'Europe/Amsterdam')::date) > 45
                       AS past_suspension,
                   7 + floor(m * 21)::int AS past_days,
                   m < 0.08 AND status NOT IN ('draft', 'submitted', 'intake', 'info_requested', 'withdrawn',
                                               'not_admissible') AS extended,
                   status <> 'draft' AND f < 0.02 AS urgent,
                   status <> 'draft' AND h > 0.97 AS priority,
                   CASE WHEN family = 'decision' AND status <> 'not_admissible' THEN
                       CASE WHEN status = 'settlement' THEN CASE WHEN u < 0.6 THEN 'granted' ELSE 'partly_granted' END
                            WHEN b < 0.40 THEN 'granted' WHEN b < 0.70 THEN 'partly_granted' ELSE 'rejected' END
                        WHEN status = 'not_admissible' THEN 'not_admissible' ELSE '' END AS outcome
            FROM timed t
        )
        SELECT sh.*,
               -- claim ids grow with time, as in a real table (and so do the rows' places on disk)
               row_number() OVER (ORDER BY created_at, draw) AS id,
               CASE WHEN status IN ('info_requested', 'on_hold') THEN (last_at AT TIME ZONE 'Europe/Amsterdam')::date
                    END AS suspended_on,
               3 + floor(k * 10)::int AS past_offset,
               CASE outcome WHEN 'granted' THEN round(claimed * (0.8 + 0.2 * c)::numeric, 2)
                            WHEN 'partly_granted' THEN round(claimed * (0.2 + 0.5 * c)::numeric, 2)
                            ELSE 0 END AS awarded,
               CASE WHEN status IN ('inspection', 'advice_draft', 'response_period', 'commission_review',
                                    'decision_pending', 'decided', 'objection', 'settlement', 'closed')
                         OR (status = 'on_hold' AND held_from <> 'intake')
                    THEN (%(experts)s::int[])[1 + floor(w * 1000)::int %% array_length(%(experts)s::int[], 1)] END
                   AS expert_id,
               CASE WHEN channel = 'desk' THEN (%(desk)s::int[])[1 + floor(u * 1000)::int %% 4] END AS filed_by,
               (%(commission)s::int[])[1 + floor(e * 3)::int] AS commission_id,
               (%(deciders)s::int[])[1 + floor(f * 2)::int] AS decider_id
        FROM shaped sh
    """, params)
    cur.execute("""
        ALTER TABLE bench_plan ADD COLUMN paid numeric, ADD COLUMN decision_due date, ADD COLUMN reply_due date,
                               ADD COLUMN path_key text
    """)
    # Atw: a term that ends on a weekend day or a holiday ends on the next working day (claims.termijnen).
    cur.execute("""
        CREATE TEMP TABLE bench_roll ON COMMIT DROP AS
        SELECT day, min(day) FILTER (WHERE working) OVER (ORDER BY day DESC) AS rolled
        FROM (SELECT d::date AS day,
                     extract(isodow FROM d) < 6 AND d::date NOT IN (SELECT date FROM claims_statutoryholiday)
                         AS working
              FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d) days
    """, {"first": today - dt.timedelta(days=HISTORY_DAYS + 400), "last": today + dt.timedelta(days=800)})
    cur.execute("ALTER TABLE bench_roll ADD PRIMARY KEY (day)")
    cur.execute("CREATE FUNCTION pg_temp.roll(d date) RETURNS date LANGUAGE sql STABLE "
                "AS 'SELECT rolled FROM bench_roll WHERE day = d'")
    cur.execute("""
        UPDATE bench_plan SET
            paid = CASE WHEN status = 'closed' THEN awarded
                        WHEN status = 'settlement' AND c < 0.5 THEN round(awarded / 2, 2) ELSE 0 END,
            -- claims.deadlines.decision_clock on the clock events made below: start + 8 weeks (+ 8 with an
            -- extension) + the days suspended (a closed suspension: the days strictly between request and
            -- answer; an open one: up to today), rolled forward
            decision_due = CASE WHEN sub IS NOT NULL THEN pg_temp.roll(
                sub_date + %(decision_days)s
                + CASE WHEN past_suspension THEN past_days - 1 ELSE 0 END
                + CASE WHEN extended THEN %(extension_days)s ELSE 0 END
                + CASE WHEN suspended_now THEN GREATEST(0, %(today)s - suspended_on) ELSE 0 END) END,
            reply_due = CASE WHEN status = 'info_requested' THEN pg_temp.roll(suspended_on + %(reply_days)s)
                             WHEN status = 'response_period'
                                 THEN pg_temp.roll((last_at AT TIME ZONE 'Europe/Amsterdam')::date
                                                   + %(response_days)s) END,
            path_key = CASE WHEN status = 'on_hold' THEN 'on_hold:' || held_from
                            WHEN status = 'closed' AND awarded > 0 THEN 'closed_award'
                            WHEN status = 'draft' THEN NULL ELSE status END
    """, params)
    cur.execute("ALTER TABLE bench_plan ADD PRIMARY KEY (id)")


def _seed_claims(cur) -> None:
    cur.execute("""
        INSERT INTO claims_claim (
            id, reference, channel, status, held_from, urgent, priority, priority_reason, description,
            created_at, updated_at, submitted_at, decided_at, closed_at, decision_due, clock_suspended, reply_due,
            objection_due, objection_decision_due, safety_visit_due, outcome, claimed_amount, awarded_amount,
            paid_amount, caseworker_id, expert_id, filed_by_id, applicant_id, property_id, in_owners_association,
            owner_occupied, report_step)
        SELECT id,
               'MS-' || yr || '-' || lpad((row_number() OVER (PARTITION BY yr ORDER BY created_at, id))::text, 6, '0'),
               channel, status, held_from, urgent, priority,
               CASE WHEN priority THEN 'Kwetsbare bewoner: hoge leeftijd en slechte gezondheid.' ELSE '' END,
               (%(texts)s::text[])[1 + (id %% %(n_texts)s)::int],
               created_at, GREATEST(created_at, last_at), sub, decided_at,
               CASE WHEN status IN ('closed', 'withdrawn') THEN COALESCE(closed_at, last_at) END,
               decision_due, suspended_now, reply_due,
               CASE WHEN status IN ('decided', 'not_admissible', 'objection', 'settlement', 'closed')
                    THEN pg_temp.roll((decided_at AT TIME ZONE 'Europe/Amsterdam')::date + 42) END,
               CASE WHEN status = 'objection'
                    THEN pg_temp.roll(pg_temp.roll((decided_at AT TIME ZONE 'Europe/Amsterdam')::date + 42) + 84) END,
               CASE WHEN urgent THEN sub + interval '48 hours' END,
               outcome, claimed, awarded, paid,
               CASE WHEN status <> 'draft' THEN guide_id END,
               expert_id, filed_by, applicant_id, property_id, e > 0.95, e < 0.93,
               CASE WHEN status = 'draft'
                    THEN (ARRAY['woning', 'eigendom', 'schade', 'controle'])[1 + floor(u * 4)::int] ELSE '' END
        FROM (SELECT p.*, extract(year FROM created_at AT TIME ZONE 'Europe/Amsterdam')::int AS yr
              FROM bench_plan p) plan
        ORDER BY id
    """, {"texts": list(CLAIM_TEXTS), "n_texts": len(CLAIM_TEXTS)})


def _seed_damage(cur) -> None:
    cur.execute("""
        INSERT INTO claims_damageitem (claim_id, position, location, kind, description, noticed_on, measurements,
                                       expert_verdict, repair_cost, awarded_amount, added_by_expert, expert_notes)
        SELECT p.id, n,
               (%(locations)s::text[])[1 + floor(random() * %(n_loc)s)::int],
               (%(kinds)s::text[])[1 + floor(random() * %(n_kinds)s)::int],
               (%(descriptions)s::text[])[1 + floor(random() * %(n_desc)s)::int],
               (COALESCE(p.sub, p.created_at) AT TIME ZONE 'Europe/Amsterdam')::date - floor(random() * 200)::int,
               CASE WHEN inspected THEN 'breedte ' || (1 + floor(random() * 6))::int || ' mm, lengte '
                                        || (20 + floor(random() * 180))::int || ' cm' ELSE '' END,
               CASE WHEN inspected THEN (ARRAY['yes', 'yes', 'partly', 'no'])[1 + floor(random() * 4)::int] ELSE '' END,
               CASE WHEN inspected THEN round((200 + random() * 15000)::numeric, 2) END,
               NULL, inspected AND n = 3 AND random() < 0.3,
               CASE WHEN inspected THEN 'Patroon past bij bodembeweging.' ELSE '' END
        FROM (SELECT *, status NOT IN ('draft', 'submitted', 'intake', 'info_requested', 'inspection', 'withdrawn',
                                       'not_admissible', 'on_hold') AS inspected
              FROM bench_plan) p
        CROSS JOIN LATERAL generate_series(1, CASE WHEN p.u < 0.45 THEN 1 WHEN p.u < 0.85 THEN 2 ELSE 3 END) n
        ORDER BY p.id, n
    """, {"locations": list(LOCATIONS), "n_loc": len(LOCATIONS), "kinds": list(DAMAGE_KINDS),
          "n_kinds": len(DAMAGE_KINDS), "descriptions": list(DESCRIPTIONS), "n_desc": len(DESCRIPTIONS)})


def _seed_transitions(cur) -> None:
    cur.execute("CREATE TEMP TABLE bench_path (key text, step int, name text, from_state text, to_state text, "
                "phase int, frac float8) ON COMMIT DROP")
    copy_rows(cur, "bench_path", ("key", "step", "name", "from_state", "to_state", "phase", "frac"), path_rows())
    cur.execute("""
        INSERT INTO claims_claimtransition (claim_id, name, from_state, to_state, actor_id, reason, data, created_at)
        SELECT p.id, t.name, t.from_state, t.to_state,
               CASE t.name WHEN 'submit' THEN p.filed_by WHEN 'advise' THEN p.commission_id
                           WHEN 'decide' THEN p.decider_id ELSE p.guide_id END,
               CASE t.name WHEN 'withdraw' THEN 'De aanvrager trekt de melding in.'
                           WHEN 'declare_not_admissible' THEN 'De woning ligt buiten het mijnbouwschadegebied.'
                           WHEN 'hold' THEN 'Op verzoek van de aanvrager: verbouwing loopt.'
                           WHEN 'request_info' THEN 'Foto''s van de schade ontbreken.' ELSE '' END,
               '{}'::jsonb,
               CASE WHEN t.phase = 0 THEN p.sub + (COALESCE(p.decided_at, p.last_at) - p.sub) * t.frac
                    ELSE p.decided_at + (p.last_at - p.decided_at) * t.frac END
        FROM bench_plan p
        JOIN bench_path t ON t.key = p.path_key
        ORDER BY 8
    """)


def _seed_clock(cur) -> None:
    cur.execute("""
        INSERT INTO claims_clockevent (claim_id, kind, cause, on_date, due_date, weeks, reason, actor_id, created_at)
        SELECT * FROM (
        SELECT id, 'start', '', sub_date, NULL::date, NULL::int, '', NULL::int, sub FROM bench_plan
        WHERE sub IS NOT NULL
        UNION ALL
        SELECT id, 'suspend', 'info_request', sub_date + past_offset, sub_date + past_offset + 28, NULL,
               'Foto''s van de schade ontbreken.', guide_id, sub + make_interval(days => past_offset)
        FROM bench_plan WHERE past_suspension
        UNION ALL
        SELECT id, 'resume', 'info_request', sub_date + past_offset + past_days, NULL, NULL, '', guide_id,
               sub + make_interval(days => past_offset + past_days)
        FROM bench_plan WHERE past_suspension
        UNION ALL
        SELECT id, 'suspend', CASE WHEN status = 'on_hold' THEN 'on_hold' ELSE 'info_request' END, suspended_on,
               CASE WHEN status = 'info_requested' THEN reply_due END, NULL,
               CASE WHEN status = 'on_hold' THEN 'Verbouwing loopt.' ELSE 'Foto''s van de schade ontbreken.' END,
               guide_id, last_at
        FROM bench_plan WHERE suspended_now
        UNION ALL
        SELECT id, 'extend', '', sub_date + 50, NULL, 8, 'Het rapport van de deskundige is nog niet klaar.',
               guide_id, sub + interval '50 days'
        FROM bench_plan WHERE extended
        UNION ALL
        SELECT id, 'reply_term', 'response', (last_at AT TIME ZONE 'Europe/Amsterdam')::date, reply_due, NULL, '',
               guide_id, last_at
        FROM bench_plan WHERE status = 'response_period'
        UNION ALL
        SELECT id, 'safety_visit', '', sub_date + 1, NULL, NULL, 'Geen direct gevaar.', guide_id,
               sub + interval '1 day'
        FROM bench_plan WHERE urgent AND status <> 'submitted'
        ) events ORDER BY 9
    """)


def _seed_letters(cur, n_claims: int) -> None:
    # A receipt for every submitted claim, rendered: a Document row (no file on disk) and its Letter.
    cur.execute("""
        INSERT INTO claims_document (id, claim_id, kind, letter_kind, title, file, original_name, sha256, size,
                                     content_type, uploaded_by_id, damage_item_id, created_at)
        SELECT id, id, 'letter', 'receipt', 'Ontvangstbevestiging',
               'claims/' || id || '/' || md5(id::text) || md5('r' || id), '',
               md5(id::text) || md5('r' || id), 30000 + (id % 20000), 'application/pdf', NULL, NULL,
               sub + interval '2 minutes'
        FROM bench_plan WHERE sub IS NOT NULL ORDER BY id
    """)
    cur.execute("""
        INSERT INTO claims_letter (claim_id, kind, key, recipient_id, language, context, status, document_id,
                                   attempts, last_error, created_at, rendered_at)
        SELECT id, 'receipt', id || ':receipt:bench', applicant_id, 'nl', '{}'::jsonb, 'ready', id, 1, '',
               sub + interval '1 minute', sub + interval '2 minutes'
        FROM bench_plan WHERE sub IS NOT NULL ORDER BY id
    """)


def _seed_inspections(cur) -> None:
    cur.execute("""
        INSERT INTO claims_inspection (claim_id, expert_id, status, chosen_on, objection_due, starts_at, ends_at,
                                       visited_at, report_id, created_by_id, created_at, updated_at)
        SELECT id, expert_id, st, chosen::date, chosen::date + 14,
               CASE WHEN st <> 'chosen' THEN chosen + interval '20 days' END,
               CASE WHEN st <> 'chosen' THEN chosen + interval '20 days 2 hours' END,
               CASE WHEN st = 'done' THEN chosen + interval '20 days 2 hours' END,
               NULL, guide_id, chosen, chosen
        FROM (
            SELECT p.*,
                   CASE WHEN status = 'inspection' OR (status = 'on_hold' AND held_from = 'inspection')
                        THEN CASE WHEN c < 0.5 THEN 'chosen' ELSE 'planned' END ELSE 'done' END AS st,
                   sub + (COALESCE(decided_at, last_at) - sub) * 0.25 AS chosen
            FROM bench_plan p WHERE expert_id IS NOT NULL
        ) inspected
        ORDER BY 11
    """)


def _seed_messages(cur, now) -> None:
    cur.execute("""
        INSERT INTO claims_message (claim_id, kind, direction, author_id, body, phone, created_at, handled_at)
        SELECT id, kind, direction, CASE WHEN direction = 'out' THEN guide_id END,
               (%(messages)s::text[])[1 + floor(random() * %(n_messages)s)::int],
               CASE WHEN kind = 'callback' THEN '06 12345678' ELSE '' END, at,
               CASE WHEN direction = 'in' AND at < %(now)s - interval '3 days' THEN at + interval '1 day' END
        FROM (
            SELECT p.id, p.guide_id,
                   (ARRAY['message', 'message', 'message', 'callback', 'info_answer'])[1 + floor(random() * 5)::int]
                       AS kind,
                   CASE WHEN random() < 0.6 THEN 'in' ELSE 'out' END AS direction,
                   p.sub + (p.last_at - p.sub) * random() AS at
            FROM bench_plan p
            CROSS JOIN LATERAL generate_series(1, 1 + floor(p.h * 10)::int %% 3) n
            WHERE p.sub IS NOT NULL AND p.w < 0.35
        ) m
        ORDER BY at
    """, {"messages": list(MESSAGES), "n_messages": len(MESSAGES), "now": now})


def _seed_notes(cur) -> None:
    cur.execute("""
        INSERT INTO casework_note (claim_id, kind, author_id, body, direction, spoke_with, created_at)
        SELECT id, kind, guide_id,
               CASE kind WHEN 'call' THEN (%(calls)s::text[])[1 + floor(r * %(n_calls)s)::int]
                         WHEN 'handover' THEN 'Overdracht: conceptadvies staat klaar, aanvrager wacht op bericht.'
                         ELSE (%(notes)s::text[])[1 + floor(r * %(n_notes)s)::int] END,
               CASE WHEN kind = 'call' THEN CASE WHEN r < 0.5 THEN 'in' ELSE 'out' END ELSE '' END,
               CASE WHEN kind = 'call' THEN 'aanvrager' ELSE '' END, at
        FROM (
            SELECT p.id, p.guide_id, random() AS r,
                   CASE WHEN random() < 0.6 THEN 'note' WHEN random() < 0.93 THEN 'call' ELSE 'handover' END AS kind,
                   p.sub + (p.last_at - p.sub) * random() AS at
            FROM bench_plan p
            CROSS JOIN LATERAL generate_series(1, 1 + floor(p.k * 100)::int %% 4) n
            WHERE p.sub IS NOT NULL AND p.e < 0.45
        ) n
        ORDER BY at
    """, {"calls": list(CALLS), "n_calls": len(CALLS), "notes": list(NOTES), "n_notes": len(NOTES)})


def _seed_watch(cur, today, due_soon, users) -> None:
    # What the morning watch leaves: marks on open claims with a running clock that is overdue or due soon.
    cur.execute("""
        INSERT INTO casework_deadlinemark (claim_id, level, due_on, since, checked_on)
        SELECT id, CASE WHEN decision_due < %(today)s THEN 'overdue' ELSE 'due_soon' END, decision_due,
               %(today)s, %(today)s
        FROM bench_plan
        WHERE status = ANY(%(open)s) AND NOT suspended_now AND decision_due <= %(limit)s
    """, {"today": today, "limit": due_soon, "open": [s for s in OPEN_FAMILY if s != "on_hold"]})
    # A few guides are away; the next guide of the same team stands in.
    guides = [u[0] for u in users if u[4] == "caseworker"]
    rows = [(g, guides[n + 1], today - dt.timedelta(days=3), today + dt.timedelta(days=11))
            for n, g in enumerate(guides[:-1]) if n % 33 == 32]
    for user_id, substitute_id, starts_on, ends_on in rows:
        cur.execute("INSERT INTO claims_absence (user_id, substitute_id, starts_on, ends_on, reason, created_at) "
                    "VALUES (%s, %s, %s, %s, 'Vakantie', now())", [user_id, substitute_id, starts_on, ends_on])


def _finish(cur) -> None:
    for table in ("auth_user", "claims_person", "claims_property", "claims_claim", "claims_document",
                  "claims_team"):
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST(1, (SELECT max(id) FROM {table})))")
    # New claims filed after seeding continue the numbering of their year.
    cur.execute("""
        INSERT INTO claims_referencecounter (year, last)
        SELECT substr(reference, 4, 4)::int, max(substr(reference, 9, 6)::int) FROM claims_claim GROUP BY 1
    """)


# --- running it ----------------------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "i3ml.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.pop("REDIS_URL", None)  # nothing is enqueued: seeding writes SQL only
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=250_000)
    parser.add_argument("--guides", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--migrate", action="store_true", help="run manage.py migrate first")
    args = parser.parse_args()
    setup_django()
    if args.migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    seed(args.claims, guides=args.guides, seed=args.seed)


if __name__ == "__main__":
    main()
