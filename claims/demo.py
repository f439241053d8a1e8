"""The demo of `manage.py seed_demo`: staff and residents, two teams and a few hundred claims whose whole
history ran through the real lifecycle services under a frozen clock (`timeutil.frozen`). So every claim's
status is the `to_state` of its last ClaimTransition, and its deadlines follow from its ClockEvents.

Deterministic (random.Random(2026) against the moment of seeding) and loaded once: a database that holds
demo claims already is left as it is."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from celery import current_app
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from . import deadlines, letters
from . import roles as R
from .models import (
    Absence,
    Channel,
    Claim,
    ClockEventKind,
    DamageItem,
    DamageKind,
    Letter,
    Outcome,
    Person,
    PreferredChannel,
    Property,
    Recusal,
    StaffProfile,
    Team,
    Verdict,
)
from .services import claim_create_draft, claim_extend_term, claim_record_default_notice, claim_transition
from .states import OPEN_STATES, State
from .timeutil import frozen, local_date

S = State
User = get_user_model()
log = logging.getLogger(__name__)

SEED = 2026
DEFAULT_PASSWORD = "mijnschade-demo"
DEFAULT_CLAIMS = 240
MIN_CLAIMS = len(State)  # at least one claim in every state
HISTORY_DAYS = 270  # submissions spread over the last nine months
MAX_STRETCH = 1.8  # how much a backlog may stretch the handling of a claim before its decision
DEMO_URL = "http://127.0.0.1:8000/"
RESIDENT_DOMAIN = "example.nl"
STAFF_DOMAIN = "i3ml.example"
BEWONER = "bewoner"

# --- staff and teams --------------------------------------------------------------------------------

PARKSTAD = "Team Parkstad"
WEST = "Team Westelijke Mijnstreek"
TEAMS = {
    PARKSTAD: ("Heerlen", "Kerkrade", "Landgraaf", "Brunssum", "Simpelveld", "Voerendaal"),
    WEST: ("Sittard-Geleen", "Stein", "Beek", "Beekdaelen"),
}


@dataclass(frozen=True)
class Account:
    username: str
    role: str | None  # None: the superuser of the back office
    first_name: str
    last_name: str
    team: str = ""

    @property
    def email(self) -> str:
        domain = RESIDENT_DOMAIN if self.role == R.RESIDENT else STAFF_DOMAIN
        return f"{_slug(self.first_name)}.{_slug(self.last_name)}@{domain}"


# One login per role first (these are the ones the README lists), then colleagues to spread the work.
ACCOUNTS = (
    Account(BEWONER, R.RESIDENT, "Harrie", "Vluggen"),
    Account("loket", R.DESK, "Anouk", "Janssen"),
    Account("zaakbegeleider", R.CASEWORKER, "Ruud", "Smeets", PARKSTAD),
    Account("deskundige", R.EXPERT, "Marloes", "Kessels"),
    Account("commissie", R.COMMISSION, "Bert", "Lemmens"),
    Account("besluitvormer", R.DECISION_MAKER, "Ingrid", "Schepers"),
    Account("coordinator", R.COORDINATOR, "Paul", "Houben"),
    Account("financien", R.FINANCE, "Yvonne", "Crijns"),
    Account("loket2", R.DESK, "Tom", "Wetzels"),
    Account("zaakbegeleider2", R.CASEWORKER, "Lotte", "Vincken", PARKSTAD),
    Account("zaakbegeleider3", R.CASEWORKER, "Maikel", "Ramakers", PARKSTAD),
    Account("zaakbegeleider4", R.CASEWORKER, "Kim", "Dassen", WEST),
    Account("zaakbegeleider5", R.CASEWORKER, "Roy", "Bemelmans", WEST),
    Account("deskundige2", R.EXPERT, "Jeroen", "Frijns"),
    Account("deskundige3", R.EXPERT, "Esther", "Gulpers"),
    Account("commissie2", R.COMMISSION, "Hanneke", "Coenen"),
    Account("commissie3", R.COMMISSION, "Frank", "Huntjens"),
    Account("besluitvormer2", R.DECISION_MAKER, "Marc", "Meertens"),
    Account("admin", None, "Beheerder", "I3ML"),
)


@dataclass
class Staff:
    """The demo accounts by username."""

    users: dict[str, User]

    def __getitem__(self, username: str) -> User:
        return self.users[username]


# Who gets the work: the named demo login carries the biggest share, so its screens are full.
CASEWORKERS = {
    PARKSTAD: (("zaakbegeleider", "zaakbegeleider2", "zaakbegeleider3"), (40, 30, 30)),
    WEST: (("zaakbegeleider4", "zaakbegeleider5"), (50, 50)),
}
EXPERTS = (("deskundige", "deskundige2", "deskundige3"), (50, 25, 25))
ADVISERS = (("commissie", "commissie2", "commissie3"), (50, 25, 25))
DECIDERS = ("besluitvormer", "besluitvormer2")

# --- where: real streets with the four digits of their postcode ---------------------------------------

GEMEENTECODE = {
    "Heerlen": "0917", "Kerkrade": "0928", "Brunssum": "0899", "Landgraaf": "0882", "Simpelveld": "0965",
    "Voerendaal": "0986", "Sittard-Geleen": "1883", "Stein": "0971", "Beek": "0888", "Beekdaelen": "1954",
    "Maastricht": "0935", "Valkenburg aan de Geul": "0994", "Meerssen": "0938",
}
STREETS = (
    ("Heerlen", "Heerlen", "Akerstraat", "6411"),
    ("Heerlen", "Heerlen", "Geleenstraat", "6411"),
    ("Heerlen", "Heerlen", "Honigmanstraat", "6411"),
    ("Heerlen", "Heerlen", "Putgraaf", "6411"),
    ("Heerlen", "Heerlen", "Kloosterweg", "6412"),
    ("Heerlen", "Heerlen", "Sittarderweg", "6412"),
    ("Heerlen", "Heerlen", "Willemstraat", "6412"),
    ("Heerlen", "Heerlen", "Ganzeweide", "6413"),
    ("Heerlen", "Heerlen", "Corisbergweg", "6414"),
    ("Heerlen", "Heerlen", "Schaesbergerweg", "6415"),
    ("Heerlen", "Heerlen", "Meezenbroekerweg", "6415"),
    ("Heerlen", "Heerlen", "Benzenraderweg", "6417"),
    ("Heerlen", "Heerlen", "Heerlerbaan", "6418"),
    ("Heerlen", "Heerlen", "Valkenburgerweg", "6419"),
    ("Heerlen", "Hoensbroek", "Hoofdstraat", "6431"),
    ("Heerlen", "Hoensbroek", "Kouvenderstraat", "6431"),
    ("Heerlen", "Hoensbroek", "Akerstraat-Noord", "6431"),
    ("Heerlen", "Hoensbroek", "Amstenraderweg", "6432"),
    ("Kerkrade", "Kerkrade", "Hoofdstraat", "6461"),
    ("Kerkrade", "Kerkrade", "Holzstraat", "6461"),
    ("Kerkrade", "Kerkrade", "Markt", "6461"),
    ("Kerkrade", "Kerkrade", "Nieuwstraat", "6462"),
    ("Kerkrade", "Kerkrade", "Pannesheiderstraat", "6462"),
    ("Kerkrade", "Kerkrade", "Kloosterraderstraat", "6464"),
    ("Kerkrade", "Kerkrade", "Heerlenersteenweg", "6466"),
    ("Kerkrade", "Kerkrade", "Domaniale Mijnstraat", "6468"),
    ("Kerkrade", "Eygelshoven", "Laurastraat", "6471"),
    ("Brunssum", "Brunssum", "Kerkstraat", "6441"),
    ("Brunssum", "Brunssum", "Prins Hendriklaan", "6441"),
    ("Brunssum", "Brunssum", "Dorpstraat", "6441"),
    ("Brunssum", "Brunssum", "Rumpenerstraat", "6443"),
    ("Brunssum", "Brunssum", "Lindeplein", "6444"),
    ("Brunssum", "Brunssum", "Akerstraat", "6445"),
    ("Landgraaf", "Landgraaf", "Streeperstraat", "6371"),
    ("Landgraaf", "Landgraaf", "Hoofdstraat", "6372"),
    ("Landgraaf", "Landgraaf", "Kampstraat", "6373"),
    ("Landgraaf", "Landgraaf", "Einderstraat", "6374"),
    ("Landgraaf", "Landgraaf", "Groenstraat", "6374"),
    ("Simpelveld", "Simpelveld", "Irmstraat", "6369"),
    ("Simpelveld", "Simpelveld", "Stationstraat", "6369"),
    ("Simpelveld", "Simpelveld", "Kloosterstraat", "6369"),
    ("Voerendaal", "Voerendaal", "Hoofdstraat", "6367"),
    ("Voerendaal", "Voerendaal", "Schoolstraat", "6367"),
    ("Voerendaal", "Voerendaal", "Kerkplein", "6367"),
    ("Sittard-Geleen", "Sittard", "Limbrichterstraat", "6131"),
    ("Sittard-Geleen", "Sittard", "Steenweg", "6131"),
    ("Sittard-Geleen", "Sittard", "Leyenbroekerweg", "6132"),
    ("Sittard-Geleen", "Sittard", "Rijksweg Zuid", "6134"),
    ("Sittard-Geleen", "Sittard", "Bergerweg", "6135"),
    ("Sittard-Geleen", "Geleen", "Mauritslaan", "6161"),
    ("Sittard-Geleen", "Geleen", "Rijksweg Centrum", "6161"),
    ("Sittard-Geleen", "Geleen", "Annastraat", "6163"),
    ("Sittard-Geleen", "Geleen", "Heidestraat", "6164"),
    ("Stein", "Stein", "Heerweg", "6171"),
    ("Stein", "Stein", "Kerkstraat", "6171"),
    ("Stein", "Stein", "Raadhuisplein", "6171"),
    ("Beek", "Beek", "Burgemeester Janssenstraat", "6191"),
    ("Beek", "Beek", "Raadhuisstraat", "6191"),
    ("Beek", "Beek", "Prins Mauritslaan", "6191"),
    ("Beekdaelen", "Nuth", "Stationstraat", "6361"),
    ("Beekdaelen", "Nuth", "Dorpstraat", "6361"),
    ("Beekdaelen", "Nuth", "Schinnenderweg", "6361"),
    ("Beekdaelen", "Schinveld", "Kerkstraat", "6451"),
    ("Beekdaelen", "Schinveld", "Brunssummerweg", "6451"),
)
# Reports from outside the ten municipalities are received and answered too, never dropped.
OUTSIDE_STREETS = (
    ("Maastricht", "Maastricht", "Tongersestraat", "6211"),
    ("Maastricht", "Maastricht", "Brusselsestraat", "6211"),
    ("Valkenburg aan de Geul", "Valkenburg", "Wilhelminalaan", "6301"),
    ("Meerssen", "Meerssen", "Markt", "6231"),
)
MUNICIPALITY_WEIGHTS = {
    "Heerlen": 27, "Kerkrade": 14, "Sittard-Geleen": 17, "Landgraaf": 10, "Brunssum": 8, "Beekdaelen": 8,
    "Stein": 5, "Beek": 4, "Voerendaal": 4, "Simpelveld": 3,
}
BEWONER_HOME = (("Heerlen", "Heerlen", "Schaesbergerweg", "6415"), "AK", 112)

# --- who: residents -----------------------------------------------------------------------------------

MALE = ("Jan", "Harrie", "Sjef", "Ger", "Wim", "Frans", "Jo", "Pierre", "Hub", "Math", "Piet", "Theo", "Twan",
        "Leo", "Noël", "Roger", "Guido", "Marco", "Stefan", "Ahmet", "Tomasz", "Luc", "Jos", "René")
FEMALE = ("Mia", "Annie", "Truus", "Lies", "Marij", "Wilma", "Carla", "Petra", "Monique", "Chantal", "Sandra",
          "Bianca", "Ellen", "Fatma", "Anna", "Lieke", "Sanne", "Nicole", "Mariëlle", "Jacqueline", "Hanny")
SURNAMES = ("Janssen", "Hermans", "Smeets", "Peters", "Lemmens", "Houben", "Schepers", "Kessels", "Vroemen",
            "Ramakers", "Bemelmans", "Dassen", "Crijns", "Wetzels", "Frijns", "Hendriks", "Jacobs", "Willems",
            "Gulpers", "Coenen", "Huntjens", "Meertens", "Pluijmen", "Bisschops", "Schoonbrood", "Lardinois",
            "Kleijnen", "Habets", "Notermans", "Vaessen", "Geurts", "Quaedvlieg", "Debets", "Moonen",
            "Claessens", "Ploumen", "Cremers", "Boosten", "Sijben", "Penders", "Mullenders", "Brouns", "Souren",
            "Wolfs", "Ubachs", "van der Linden", "de Vries", "Nowak", "Kowalczyk", "Rossi", "Kranjc",
            "Yilmaz", "El Idrissi")

# --- what: damage -------------------------------------------------------------------------------------

K = DamageKind
# Per kind: how it is measured, and what residents write with the places where that happens.
DAMAGE = {
    K.CRACK: ("breedte {mm} mm, lengte {cm} cm", (
        ("Scheur van {mm} mm boven de deur", ("Woonkamer", "Keuken", "Hal", "Slaapkamer boven", "Trappenhuis")),
        ("Trapscheur in het metselwerk naast het raam", ("Gevel voorzijde", "Gevel achterzijde", "Zijgevel",
                                                          "Aanbouw")),
        ("Haarscheuren in het stucwerk van het plafond", ("Woonkamer", "Slaapkamer boven", "Hal", "Keuken")),
        ("Diagonale scheur vanuit de hoek van het kozijn", ("Woonkamer", "Gevel voorzijde", "Gevel achterzijde",
                                                             "Slaapkamer boven")),
        ("Scheur in de voeg over de hele hoogte van de muur", ("Zijgevel", "Gevel achterzijde", "Garage")),
        ("Wandtegels gescheurd langs een rechte lijn", ("Badkamer", "Keuken")),
    )),
    K.SUBSIDENCE: ("hoogteverschil {mm} cm over {m} m", (
        ("Vloer is verzakt langs de achtergevel", ("Woonkamer", "Keuken")),
        ("Tegelvloer ligt hol en is gescheurd", ("Keuken", "Hal", "Badkamer")),
        ("Terras is verzakt en loopt naar het huis toe af", ("Terras",)),
        ("Aanbouw zakt los van het hoofdgebouw", ("Aanbouw",)),
        ("Garagevloer is gescheurd en verzakt", ("Garage",)),
    )),
    K.TILT: ("scheefstand {mm} mm per meter", (
        ("Deur sluit niet meer, het kozijn staat scheef", ("Hal", "Woonkamer", "Slaapkamer boven")),
        ("Gevel helt naar voren", ("Gevel voorzijde",)),
        ("Schoorsteen staat zichtbaar scheef", ("Schoorsteen",)),
        ("Ramen klemmen sinds de zomer", ("Woonkamer", "Slaapkamer boven")),
    )),
    K.MOISTURE: ("vochtplek {cm} x {cm2} cm", (
        ("Vochtplekken onderaan de muur", ("Woonkamer", "Kelder", "Garage")),
        ("Water in de kelder na elke regenbui", ("Kelder",)),
        ("Schimmel in de hoek bij de buitenmuur", ("Slaapkamer boven", "Badkamer", "Woonkamer")),
        ("Natte plek in de vloer die niet opdroogt", ("Kelder", "Keuken")),
    )),
    K.SINKHOLE: ("doorsnede {cm} cm, diepte {cm2} cm", (
        ("Gat in de tuin van ongeveer {cm} cm doorsnede", ("Tuin",)),
        ("Grond onder de oprit is weggezakt", ("Oprit",)),
        ("Plotselinge verzakking naast de fundering", ("Fundering", "Tuin")),
    )),
    K.OTHER: ("", (
        ("Rioolleiding gebroken, de afvoer loopt slecht", ("Kelder", "Tuin")),
        ("Ruit gesprongen in een klemmend kozijn", ("Woonkamer", "Slaapkamer boven")),
        ("Dakpannen verschoven boven de scheur in de gevel", ("Dak",)),
    )),
}
KIND_WEIGHTS = {K.CRACK: 50, K.SUBSIDENCE: 12, K.TILT: 10, K.MOISTURE: 15, K.SINKHOLE: 3, K.OTHER: 10}
REPAIR_COST = {K.CRACK: (250, 3500), K.SUBSIDENCE: (1500, 12000), K.TILT: (2500, 18000),
               K.MOISTURE: (800, 6000), K.SINKHOLE: (3000, 15000), K.OTHER: (200, 2500)}
URGENT_DAMAGE = (
    (K.SINKHOLE, "Tuin", "Gat in de tuin naast de fundering, steeds dieper", "doorsnede 90 cm, diepte 140 cm"),
    (K.TILT, "Gevel voorzijde", "Gevel helt naar voren, stenen laten los boven de voordeur",
     "scheefstand 18 mm per meter"),
    (K.SINKHOLE, "Oprit", "Oprit plotseling ingezakt bij de oude mijnschacht", "doorsnede 150 cm, diepte 80 cm"),
)

# --- why: the texts staff and residents write ----------------------------------------------------------

PRIORITY_REASONS = (
    "Aanvrager is 89 jaar en woont alleen.",
    "Medische indicatie: aanvrager gebruikt een rolstoel en de drempel is verzakt.",
    "Gezin met jonge kinderen; schimmel in de slaapkamer.",
    "Eerdere melding uit 2019 is nooit afgehandeld.",
    "Aanvrager is mantelzorger en moet de benedenverdieping kunnen gebruiken.",
)
QUESTIONS = (
    "Wilt u foto's sturen van de scheuren in de achtergevel?",
    "Stuur ons een kopie van uw eigendomsakte of een uittreksel van het Kadaster.",
    "Sinds wanneer ziet u de schade? Heeft u er eerder een vergoeding voor gekregen?",
    "Is de woning een appartement in een VvE? Stuur dan de machtiging van de VvE mee.",
    "Wilt u de offerte van uw aannemer meesturen?",
)
NOT_ADMISSIBLE_REASONS = {
    "tenant": "U huurt de woning. Alleen eigenaren die zelf in de woning wonen kunnen een aanvraag doen.",
    "no_reply": ("Wij hebben de gevraagde informatie niet op tijd ontvangen (artikel 4:5 Awb). "
                 "Wij nemen uw aanvraag daarom niet verder in behandeling."),
}
OUTSIDE_REASON = ("De woning ligt in de gemeente {municipality}. Die gemeente hoort niet bij het "
                  "mijnbouwschadegebied (Besluit Limburg, Stcrt. 2025-35002). Wij nemen uw melding daarom "
                  "niet in behandeling.")
HOLD_REASONS = (
    "Aanvrager verblijft tot half januari in het buitenland.",
    "Aanvrager laat eerst een eigen bouwkundig rapport maken.",
    "Op verzoek van de aanvrager: opname in het ziekenhuis.",
    "Verkoop van de woning loopt; aanvrager overlegt eerst met de notaris.",
)
WITHDRAW_REASONS = (
    "Aanvrager heeft de woning verkocht.",
    "De schade blijkt door een lekkage te komen; aanvrager trekt de melding in.",
    "Aanvrager ziet af van verdere behandeling.",
)
OBJECTION_GROUNDS = (
    "Ik ben het niet eens met het oordeel dat de scheuren in de gevel niet door mijnbouw komen. "
    "Mijn buren hebben dezelfde schade en kregen wel een vergoeding.",
    "Het toegekende bedrag is te laag. De offerte van mijn aannemer is hoger.",
    "De deskundige heeft de kelder niet bekeken, terwijl daar de meeste schade is.",
)
EXTENSION_REASON = "Het adviesrapport vraagt meer tijd: er is aanvullend onderzoek naar de fundering nodig."
DEFAULT_NOTICE_REASON = "Ingebrekestelling per brief van de aanvrager ontvangen."
REOPEN_REASON = "Nieuwe feiten: na het herstel zijn de scheuren in de gevel opnieuw opengegaan en groter geworden."
REVISE_REASON = "Zienswijze ontvangen: de aanvrager wijst op een scheur in de kelder die niet is beoordeeld."
STEP_REASONS = {
    "advise": "Advies vastgesteld in de vergadering van de Limburgkamer.",
    "decide": "Besluit conform het advies van de Commissie Mijnbouwschade.",
    "send_advice": "Conceptadvies verstuurd; de aanvrager kan binnen twee weken reageren.",
    "forward_to_commission": "Geen zienswijze ontvangen; dossier compleet.",
}

# --- how many: claims per state (most in the open working states) ------------------------------------

STATE_WEIGHTS = {
    S.DRAFT: 10, S.SUBMITTED: 14, S.INTAKE: 30, S.INFO_REQUESTED: 16, S.INSPECTION: 34, S.ADVICE_DRAFT: 18,
    S.RESPONSE_PERIOD: 16, S.COMMISSION_REVIEW: 18, S.DECISION_PENDING: 12, S.DECIDED: 14, S.OBJECTION: 8,
    S.SETTLEMENT: 10, S.CLOSED: 18, S.NOT_ADMISSIBLE: 8, S.WITHDRAWN: 6, S.ON_HOLD: 8,
}
# Days a claim has been waiting since its last step, by the state it is in now.
IDLE_DAYS = {
    S.DRAFT: (0.1, 25), S.SUBMITTED: (0.05, 2.5), S.INTAKE: (1, 15), S.INFO_REQUESTED: (2, 40),
    S.INSPECTION: (2, 35), S.ADVICE_DRAFT: (1, 12), S.RESPONSE_PERIOD: (0.5, 13), S.COMMISSION_REVIEW: (2, 25),
    S.DECISION_PENDING: (1, 10), S.DECIDED: (2, 40), S.OBJECTION: (5, 60), S.SETTLEMENT: (3, 30),
    S.CLOSED: (2, 90), S.NOT_ADMISSIBLE: (2, 60), S.WITHDRAWN: (2, 90), S.ON_HOLD: (2, 50),
}
# The bewoner login follows one claim in each of these states (the portal demo), with the term to act still
# running where there is one.
BEWONER_IDLE_DAYS = {S.INFO_REQUESTED: (2, 9), S.INSPECTION: (1, 3), S.RESPONSE_PERIOD: (1, 8), S.DECIDED: (3, 20)}
BEWONER_CLAIMS = (S.DRAFT, S.INFO_REQUESTED, S.INSPECTION, S.RESPONSE_PERIOD, S.DECIDED, S.CLOSED)
CASELOAD_STATES = frozenset({*OPEN_STATES, S.ON_HOLD})


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


# --- accounts and teams ---------------------------------------------------------------------------------

def ensure_accounts(password: str, *, joined: dt.datetime) -> Staff:
    """The demo logins. An account that exists already keeps its details and password; each role login is
    made a member of its role's group."""
    hashed = make_password(password)  # hashing is slow on purpose: once for all demo accounts
    groups = {group.name: group for group in Group.objects.filter(name__in=R.ALL_ROLES)}
    users = {}
    for account in ACCOUNTS:
        user, _created = User.objects.get_or_create(username=account.username, defaults={
            "first_name": account.first_name, "last_name": account.last_name, "email": account.email,
            "password": hashed, "is_staff": account.role != R.RESIDENT, "is_superuser": account.role is None,
            "date_joined": joined,
        })
        if account.role is not None:
            user.groups.add(groups[account.role])  # nothing happens when it is a member already
        users[account.username] = user
    _ensure_bewoner_person(users[BEWONER], joined=joined)
    return Staff(users)


def _ensure_bewoner_person(user: User, *, joined: dt.datetime) -> Person:
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = Person.objects.create(
            name=user.get_full_name(), email=user.email, phone="045 571 23 86", user=user,
            email_verified_at=joined, preferred_channel=PreferredChannel.DIGITAL, digital_consent_at=joined,
        )
    return person


# Direct lines for the people residents call, and the experts' declarations of interests.
PHONES = {
    "zaakbegeleider": "045 000 01 11", "zaakbegeleider2": "045 000 01 12", "zaakbegeleider3": "045 000 01 13",
    "zaakbegeleider4": "046 000 01 14", "zaakbegeleider5": "046 000 01 15", "coordinator": "045 000 01 00",
    "deskundige": "06 1000 0021", "deskundige2": "06 1000 0022", "deskundige3": "06 1000 0023",
}
DECLARATIONS = {
    "deskundige": "Geen nevenfuncties. Woont in Maastricht; geen familie of zakelijke banden in de Parkstad.",
    "deskundige2": "Lid van de Vereniging van Bouwkundigen Limburg. Woont in Brunssum (werkt daar niet voor buren).",
    "deskundige3": "Werkte tot 2022 als opzichter bij een aannemer in Kerkrade; sindsdien geen banden meer.",
}


def ensure_profiles(staff: Staff, *, on: dt.date) -> None:
    for username, phone in PHONES.items():
        StaffProfile.objects.get_or_create(user=staff[username], defaults={
            "phone": phone, "conflict_declaration": DECLARATIONS.get(username, ""),
            "declaration_updated_on": on - dt.timedelta(days=60) if username in DECLARATIONS else None,
        })
    # One guide is away next week, so the substitute shows in her residents' portal and in the caseload.
    Absence.objects.get_or_create(user=staff["zaakbegeleider3"], defaults={
        "substitute": staff["zaakbegeleider2"], "starts_on": on, "ends_on": on + dt.timedelta(days=11),
        "reason": "Verlof",
    })


def ensure_teams(staff: Staff) -> None:
    for name, municipalities in TEAMS.items():
        team, _created = Team.objects.get_or_create(name=name, defaults={"municipalities": list(municipalities)})
        team.members.add(*(staff[a.username] for a in ACCOUNTS if a.team == name))


# --- the plan: what happens to each claim, and when ------------------------------------------------------

@dataclass
class Resident:
    name: str
    email: str
    phone: str
    digital: bool
    language: str = "nl"
    username: str = ""  # set: an account for the portal (as claims.accounts makes them: the e-mail address)


@dataclass
class Item:
    kind: str
    location: str
    description: str
    measurements: str
    noticed_on: dt.date
    repair_cost: Decimal
    verdict: str = ""
    awarded: Decimal = Decimal("0.00")


@dataclass
class Step:
    name: str
    lo: float  # days after the step before
    hi: float
    actor: str  # "resident", "system" or a key of Plan.people: who takes the step
    reason: str = ""
    data: dict = field(default_factory=dict)
    at: dt.datetime | None = None


@dataclass
class Plan:
    target: str
    variant: str
    channel: str
    address: tuple
    resident: Resident
    co_owner: Resident | None
    items: list[Item]
    outcome: str
    people: dict[str, User | None]
    urgent: bool = False
    priority_reason: str = ""
    claimed_amount: Decimal = Decimal("0.00")
    objection_upheld: bool = False
    extend: bool = False
    steps: list[Step] = field(default_factory=list)
    created_at: dt.datetime | None = None

    @property
    def last_at(self) -> dt.datetime:
        return self.steps[-1].at if self.steps else self.created_at


def state_counts(total: int) -> dict[str, int]:
    """Claims per state in proportion to STATE_WEIGHTS, every state present, summing to `total`."""
    if total < MIN_CLAIMS:
        raise ValueError(f"Seed at least {MIN_CLAIMS} claims: one per state.")
    floor = 3 if total >= 120 else 1
    weight_sum = sum(STATE_WEIGHTS.values())
    counts = {state: max(floor, total * weight // weight_sum) for state, weight in STATE_WEIGHTS.items()}
    by_weight = sorted(STATE_WEIGHTS, key=STATE_WEIGHTS.get, reverse=True)
    index = 0
    while (difference := total - sum(counts.values())) != 0:
        state = by_weight[index % len(by_weight)]
        if difference > 0:
            counts[state] += 1
        elif counts[state] > floor:
            counts[state] -= 1
        index += 1
    return counts


class Planner:
    """Draws every claim of the demo from one seeded random generator, against the moment `now`."""

    def __init__(self, *, staff: Staff, now: dt.datetime, rng: random.Random) -> None:
        self.staff, self.now, self.rng = staff, now, rng
        self.addresses: set[tuple] = {(BEWONER_HOME[0][3] + BEWONER_HOME[1], BEWONER_HOME[2], "")}
        self.emails: Counter[str] = Counter({staff[BEWONER].email: 1})
        self.caseload: Counter[str] = Counter()
        bewoner = staff[BEWONER]
        self.bewoner = Resident(bewoner.get_full_name(), bewoner.email, "045 571 23 86", True, username=BEWONER)

    def plans(self, total: int) -> list[Plan]:
        plans = []
        for state, count in state_counts(total).items():
            plans += [self._plan(state, index) for index in range(count)]
        self._mark_urgent(plans)
        self._mark_priority(plans)
        for plan in plans:
            self._schedule(plan)
        return sorted(plans, key=lambda p: p.created_at)

    # one claim

    def _plan(self, target: str, index: int) -> Plan:
        rng = self.rng
        variant = self._variant(target, index)
        own = variant == "bewoner"
        if own:
            channel = Channel.DESK if target == S.CLOSED else Channel.ONLINE
        elif target == S.DRAFT:
            channel = Channel.ONLINE
        else:
            channel = rng.choices([Channel.ONLINE, Channel.DESK, Channel.PHONE, Channel.POST], [55, 25, 8, 12])[0]
        address = BEWONER_HOME if own else self._address(outside=variant == "outside")
        resident = self.bewoner if own else self._resident(online=channel == Channel.ONLINE)
        co_owner = None if own or rng.random() > 0.3 else self._co_owner(resident)
        outcome = self._outcome(target, variant)
        plan = Plan(
            target=target, variant=variant, channel=channel, address=address, resident=resident,
            co_owner=co_owner, items=self._items(rng.randint(1, 6)), outcome=outcome,
            people=self._people(address[0][0], own=own, channel=channel, open_case=target in CASELOAD_STATES),
            claimed_amount=Decimal(rng.randrange(15, 400) * 50) if rng.random() < 0.4 else Decimal("0.00"),
            objection_upheld=self._upheld(target, variant, outcome),
        )
        self._judge(plan)
        plan.steps = self._steps_to(target, plan)
        plan.extend = target in (*OPEN_STATES, S.DECIDED, S.SETTLEMENT, S.CLOSED) and rng.random() < 0.18
        return plan

    def _variant(self, target: str, index: int) -> str:
        if target in BEWONER_CLAIMS and index == 0:
            return "bewoner"
        if target == S.NOT_ADMISSIBLE:
            return ("outside", "no_reply", "tenant", "outside")[index % 4]
        if target == S.SETTLEMENT:
            return "objection" if self.rng.random() < 0.3 else "direct"
        if target == S.CLOSED:
            return self.rng.choices(["settled", "rejected", "objection"], [50, 25, 25])[0]
        if target == S.INTAKE and index == 1:
            return "reopened"
        return ""

    def _outcome(self, target: str, variant: str) -> str:
        rng = self.rng
        if variant == "bewoner" and target == S.DECIDED:
            return Outcome.PARTLY_GRANTED
        if target == S.OBJECTION or (target == S.SETTLEMENT and variant == "objection"):
            return rng.choice([Outcome.REJECTED, Outcome.PARTLY_GRANTED])
        if variant in ("settled", "direct", "reopened", "bewoner"):
            return rng.choices([Outcome.GRANTED, Outcome.PARTLY_GRANTED], [55, 45])[0]
        if variant in ("rejected", "objection"):
            return Outcome.REJECTED
        return rng.choices([Outcome.GRANTED, Outcome.PARTLY_GRANTED, Outcome.REJECTED], [45, 35, 20])[0]

    def _upheld(self, target: str, variant: str, outcome: str) -> bool:
        if target == S.SETTLEMENT and variant == "objection":
            # Only an upheld objection turns a rejection into money to pay.
            return outcome == Outcome.REJECTED or self.rng.random() < 0.5
        return False

    def _address(self, *, outside: bool) -> tuple:
        rng = self.rng
        if outside:
            street = rng.choice(OUTSIDE_STREETS)
        else:
            municipality = rng.choices(list(MUNICIPALITY_WEIGHTS), list(MUNICIPALITY_WEIGHTS.values()))[0]
            street = rng.choice([s for s in STREETS if s[0] == municipality])
        while True:
            pair = "".join(rng.choice("ABCDEGHJKLMNPRSTVWXZ") for _ in range(2))
            if pair in ("SA", "SD", "SS"):  # never issued
                continue
            number = rng.randint(1, 180)
            addition = rng.choice("AB") if rng.random() < 0.08 else ""
            key = (street[3] + pair, number, addition)
            if key not in self.addresses:
                self.addresses.add(key)
                return street, pair, number, addition

    def _resident(self, *, online: bool) -> Resident:
        rng = self.rng
        first = rng.choice(MALE if rng.random() < 0.5 else FEMALE)
        name = f"{first} {rng.choice(SURNAMES)}"
        area = rng.choice(("045", "046"))
        phone = (f"06 {rng.randint(10, 69)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
                 if rng.random() < 0.6 else f"{area} {rng.randint(400, 699)} {rng.randint(10, 99)} "
                 f"{rng.randint(10, 99)}")
        email = self._email(name)
        return Resident(
            name=name, email=email, phone=phone, digital=online or rng.random() < 0.2,
            language="en" if rng.random() < 0.03 else "nl", username=email if online else "",
        )

    def _co_owner(self, resident: Resident) -> Resident:
        first = self.rng.choice(MALE + FEMALE)
        name = f"{first} {resident.name.split(' ', 1)[1]}"
        return Resident(name=name, email=self._email(name), phone=resident.phone, digital=False)

    def _email(self, name: str) -> str:
        first, last = name.split(" ", 1)
        local = f"{_slug(first)}.{_slug(last)}"
        self.emails[local] += 1
        if self.emails[local] > 1:
            local += str(self.emails[local])
        return f"{local}@{RESIDENT_DOMAIN}"

    def _items(self, count: int) -> list[Item]:
        rng = self.rng
        items, seen = [], set()
        while len(items) < count:
            kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
            measurements, descriptions = DAMAGE[kind]
            description, locations = rng.choice(descriptions)
            location = rng.choice(locations)
            if (description, location) in seen:
                continue
            seen.add((description, location))
            values = {"mm": rng.randint(1, 8), "cm": rng.randint(20, 180), "cm2": rng.randint(10, 90),
                      "m": rng.randint(1, 5)}
            low, high = REPAIR_COST[kind]
            items.append(Item(
                kind=kind, location=location, description=description.format(**values),
                measurements=measurements.format(**values),
                noticed_on=(self.now - dt.timedelta(days=rng.randint(300, 1000))).date(),
                repair_cost=Decimal(rng.randrange(low, high, 10)),
            ))
        return items

    def _people(self, municipality: str, *, own: bool, channel: str, open_case: bool) -> dict[str, User | None]:
        rng, staff = self.rng, self.staff
        team = WEST if municipality in TEAMS[WEST] else PARKSTAD
        caseworker = "zaakbegeleider" if own else self._caseworker(team, open_case=open_case)
        self.caseload[caseworker] += open_case
        decider = rng.choices(DECIDERS, (60, 40))[0]
        desk = "loket" if channel == Channel.DESK or (channel == Channel.PHONE and rng.random() < 0.5) else "loket2"
        return {
            "desk": staff[desk], "coordinator": staff["coordinator"], "system": None,
            "caseworker": staff[caseworker],
            "expert": staff["deskundige" if own else rng.choices(*EXPERTS)[0]],
            "adviser": staff[rng.choices(*ADVISERS)[0]],
            "decider": staff[decider], "other_decider": staff[next(d for d in DECIDERS if d != decider)],
            "finance": staff["financien"],
            "intake": staff["coordinator"] if rng.random() < 0.7 else None,  # None: automatic assignment
        }

    def _caseworker(self, team: str, *, open_case: bool) -> str:
        """Open cases are dealt out in proportion to the team's shares, so caseloads come out as intended."""
        names, shares = CASEWORKERS[team]
        if not open_case:
            return self.rng.choices(names, shares)[0]
        return min(zip(names, shares, strict=True), key=lambda pair: (self.caseload[pair[0]] + 1) / pair[1])[0]

    def _judge(self, plan: Plan) -> None:
        """The expert's verdicts and the award per item, consistent with the planned outcome."""
        rng = self.rng
        if plan.outcome == Outcome.GRANTED:
            verdicts = [Verdict.YES] * len(plan.items)
        elif plan.outcome == Outcome.REJECTED:
            verdicts = [Verdict.NO] * len(plan.items)
        elif len(plan.items) == 1:
            verdicts = [Verdict.PARTLY]
        else:
            verdicts = [rng.choice([Verdict.YES, Verdict.PARTLY, Verdict.NO]) for _ in plan.items]
            verdicts[0] = rng.choice([Verdict.YES, Verdict.PARTLY])
            verdicts[-1] = rng.choice([Verdict.PARTLY, Verdict.NO])
        share = {Verdict.YES: Decimal(1), Verdict.PARTLY: Decimal("0.5"), Verdict.NO: Decimal(0)}
        for item, verdict in zip(plan.items, verdicts, strict=True):
            item.verdict = verdict
            item.awarded = (item.repair_cost * share[verdict]).quantize(Decimal("0.01"))

    # the path through the lifecycle

    def _steps_to(self, target: str, plan: Plan) -> list[Step]:
        """The transitions from draft to `target`, with the day ranges between them."""
        rng = self.rng
        by_resident = "resident" if plan.channel == Channel.ONLINE else "caseworker"
        if target == S.DRAFT:
            return []
        steps = [self._submit(plan)]
        if target == S.SUBMITTED:
            return steps
        steps.append(self._start_intake(plan))
        if target == S.WITHDRAWN:
            before = rng.choice([S.INTAKE, S.INFO_REQUESTED, S.INSPECTION, S.ADVICE_DRAFT, S.RESPONSE_PERIOD,
                                 S.ON_HOLD])
            return [*self._steps_to(before, plan), Step("withdraw", 5, 40, by_resident, rng.choice(WITHDRAW_REASONS))]
        if target == S.ON_HOLD:
            before = rng.choice([S.INTAKE, S.INFO_REQUESTED, S.INSPECTION, S.ADVICE_DRAFT, S.COMMISSION_REVIEW])
            return [*self._steps_to(before, plan), Step("hold", 3, 20, "caseworker", rng.choice(HOLD_REASONS))]
        if target == S.INTAKE and plan.variant == "reopened":
            return [*self._steps_to(S.CLOSED, plan), Step("reopen", 20, 60, "coordinator", REOPEN_REASON)]
        if target == S.NOT_ADMISSIBLE:
            return steps + self._not_admissible(plan)
        if rng.random() < (0.15 if target in (S.INTAKE, S.INFO_REQUESTED) else 0.3):
            steps += self._info_loop(by_resident)
        if target == S.INFO_REQUESTED:
            return [*steps, self._request_info()]
        if target == S.INTAKE:
            return steps
        steps.append(Step("plan_inspection", 0.05, 0.5, "caseworker") if plan.urgent
                     else Step("plan_inspection", 3, 14, "caseworker"))
        if target == S.INSPECTION:
            return steps
        if rng.random() < 0.1:
            steps += [Step("hold", 2, 10, "caseworker", rng.choice(HOLD_REASONS)),
                      Step("resume", 14, 45, "caseworker", "Aanvrager is weer bereikbaar; behandeling hervat.")]
        steps.append(Step("record_advice", 10, 30, "expert", "Adviesrapport na schade-opname ontvangen."))
        if target == S.ADVICE_DRAFT:
            return steps
        steps.append(Step("send_advice", 2, 7, "caseworker", STEP_REASONS["send_advice"]))
        if target != S.RESPONSE_PERIOD and rng.random() < 0.2:
            steps += [Step("revise_advice", 8, 14, "caseworker", REVISE_REASON),
                      Step("send_advice", 5, 12, "caseworker", STEP_REASONS["send_advice"])]
        if target == S.RESPONSE_PERIOD:
            return steps
        steps.append(Step("forward_to_commission", 15, 20, "caseworker", STEP_REASONS["forward_to_commission"]))
        if target == S.COMMISSION_REVIEW:
            return steps
        steps.append(Step("advise", 7, 21, "adviser", STEP_REASONS["advise"]))
        if target == S.DECISION_PENDING:
            return steps
        steps.append(Step("decide", 3, 10, "decider", STEP_REASONS["decide"]))
        return steps + self._after_decision(target, plan, by_resident)

    def _start_intake(self, plan: Plan) -> Step:
        assign = {"caseworker": "caseworker"}
        if plan.urgent:  # the coordinator is alerted at once and assigns the same hour
            return Step("start_intake", 0.01, 0.06, "coordinator", data=assign)
        if plan.people["intake"] is None:  # automatic assignment on receipt
            return Step("start_intake", 0.001, 0.01, "system", data=assign)
        return Step("start_intake", 0.3, 3, "coordinator", data=assign)

    def _submit(self, plan: Plan) -> Step:
        if plan.channel != Channel.ONLINE:
            return Step("submit", 0.005, 0.02, "desk")  # filed and sent in one visit, call or letter
        if self.rng.random() < 0.6:
            return Step("submit", 0.005, 0.03, "resident")
        return Step("submit", 0.5, 5, "resident")

    def _request_info(self) -> Step:
        days = 14 if self.rng.random() < 0.3 else 28
        return Step("request_info", 2, 10, "caseworker", self.rng.choice(QUESTIONS), data={"reply_days": days})

    def _info_loop(self, by_resident: str) -> list[Step]:
        return [self._request_info(), Step("receive_info", 5, 12, by_resident, "Aanvulling ontvangen.")]

    def _not_admissible(self, plan: Plan) -> list[Step]:
        if plan.variant == "no_reply":
            question = self._request_info()
            question.data["reply_days"] = 28
            return [question, Step("declare_not_admissible", 30, 40, "caseworker", NOT_ADMISSIBLE_REASONS["no_reply"])]
        if plan.variant == "outside":
            reason = OUTSIDE_REASON.format(municipality=plan.address[0][0])
        else:
            reason = NOT_ADMISSIBLE_REASONS["tenant"]
        return [Step("declare_not_admissible", 2, 10, "caseworker", reason)]

    def _after_decision(self, target: str, plan: Plan, by_resident: str) -> list[Step]:
        rng = self.rng
        objection = [
            Step("file_objection", 10, 38, by_resident, rng.choice(OBJECTION_GROUNDS)),
            Step("decide_objection", 30, 70, "other_decider",
                 "Bezwaar gegrond: de schade wordt alsnog (verder) vergoed." if plan.objection_upheld
                 else "Bezwaar ongegrond: het besluit blijft in stand."),
        ]
        # A partial award is paid after the objection window; a full one at once. Closing ends the right to
        # object, so a paid claim is closed only once the window has passed (decision + 6 weeks, moved past
        # days off: 47 days after settling is always later).
        wait = (5, 20) if plan.outcome == Outcome.GRANTED else (43, 50)
        settle = Step("start_settlement", *wait, "finance",
                      "Herstel via een aannemer (bouwdepot)." if plan_award(plan) > 10000
                      else "Uitbetaling op de rekening van de aanvrager.")
        if target == S.DECIDED:
            return []
        if target == S.OBJECTION:
            return objection[:1]
        if target == S.SETTLEMENT:
            return objection if plan.variant == "objection" else [settle]
        if plan.variant == "rejected":
            return [Step("close", 43, 60, "caseworker", "Bezwaartermijn verstreken zonder bezwaar.")]
        if plan.variant == "objection":
            return objection
        return [settle, Step("close", 47, 65, "finance", "Bedrag betaald; zaak afgerond.")]

    # flags

    def _mark_urgent(self, plans: list[Plan]) -> None:
        for state in (S.SUBMITTED, S.INTAKE, S.INSPECTION, S.INSPECTION, S.ADVICE_DRAFT, S.CLOSED):
            plan = next((p for p in plans if p.target == state and not p.urgent and p.variant in ("", "settled")),
                        None)
            if plan is None:
                continue
            plan.urgent = True
            kind, location, description, measurements = self.rng.choice(URGENT_DAMAGE)
            first = plan.items[0]
            first.kind, first.location, first.description = kind, location, description
            first.measurements = measurements
            first.repair_cost = Decimal(self.rng.randrange(*REPAIR_COST[kind], 10))
            self._judge(plan)
            plan.people["intake"] = plan.people["coordinator"]
            plan.steps = self._steps_to(plan.target, plan)

    def _mark_priority(self, plans: list[Plan]) -> None:
        candidates = [p for p in plans if p.target != S.DRAFT and not p.variant]
        for plan in self.rng.sample(candidates, min(8, len(candidates))):
            plan.priority_reason = self.rng.choice(PRIORITY_REASONS)

    # time

    def _schedule(self, plan: Plan) -> None:
        """Spreads the steps over the past: gaps drawn per step, a backlog stretching the handling up to the
        decision, and the last step a while before now."""
        rng = self.rng
        gaps = [rng.uniform(step.lo, step.hi) for step in plan.steps]
        idle = rng.uniform(*(BEWONER_IDLE_DAYS if plan.variant == "bewoner" else IDLE_DAYS).get(plan.target,
                                                                                           IDLE_DAYS[plan.target]))
        names = [step.name for step in plan.steps]
        cut = names.index("decide") + 1 if "decide" in names else len(names)
        flexible, fixed = sum(gaps[:cut]), sum(gaps[cut:])
        total = flexible + fixed + idle
        if total > HISTORY_DAYS:
            gaps = [gap * HISTORY_DAYS / total for gap in gaps]
            idle *= HISTORY_DAYS / total
        elif flexible > 1:
            stretch = rng.uniform(1, min(MAX_STRETCH, (HISTORY_DAYS - fixed - idle) / flexible))
            gaps = [gap * stretch for gap in gaps[:cut]] + gaps[cut:]
        # Backwards from now, so no step ever lands in the future: each moves, if at all, to an earlier time
        # of day (office steps to a working day); steps minutes apart stay minutes apart.
        moment = self._before(self.now - dt.timedelta(days=idle), office=self._office(plan.steps[-1], plan)
                              if plan.steps else plan.channel != Channel.ONLINE)
        for position in range(len(plan.steps) - 1, -1, -1):
            plan.steps[position].at = moment
            earlier = plan.steps[position - 1] if position else None
            moment -= dt.timedelta(days=gaps[position])
            if gaps[position] >= 0.1:
                moment = self._before(moment, office=self._office(earlier, plan))
        plan.created_at = moment

    @staticmethod
    def _office(step: Step | None, plan: Plan) -> bool:
        """Whether a step (None: filing the draft) happens in office hours: staff work on weekdays."""
        if step is None:
            return plan.channel != Channel.ONLINE
        return step.actor not in ("resident", "system")

    def _before(self, moment: dt.datetime, *, office: bool) -> dt.datetime:
        """A plausible moment at or before `moment`: 7:00-22:30 any day, or 8:30-16:45 on a weekday."""
        local = timezone.localtime(moment)
        first, last = (8 * 60 + 30, 16 * 60 + 45) if office else (7 * 60, 22 * 60 + 30)
        day = local.date()
        while True:
            if not (office and day.weekday() >= 5):
                upper = min(last, local.hour * 60 + local.minute - 1) if day == local.date() else last
                if upper >= first:
                    break
            day -= dt.timedelta(days=1)
        minutes = self.rng.randint(first, upper)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60,
                                                                    self.rng.randint(0, 59))))


def plan_award(plan: Plan) -> Decimal:
    return sum((item.awarded for item in plan.items), Decimal("0.00"))


# --- making it real: parties, the draft, and its history through the services -----------------------------

class Builder:
    """Creates the planned claims through the services, in the order they were filed."""

    def __init__(self, *, staff: Staff, now: dt.datetime, rng: random.Random) -> None:
        self.staff, self.now, self.rng = staff, now, rng
        self.resident_group = Group.objects.get(name=R.RESIDENT)
        self.persons: dict[str, Person] = {BEWONER: Person.objects.get(user=staff[BEWONER])}
        self.homes: dict[tuple, Property] = {}
        self.usernames = set(User.objects.values_list("username", flat=True))
        self.person_since: dict[int, dt.datetime] = {self.persons[BEWONER].pk: staff[BEWONER].date_joined}

    def build(self, plan: Plan) -> Claim:
        applicant = self._person(plan.resident, since=plan.created_at)
        home = self._home(plan.address, owners=[applicant])
        filed_by = applicant.user if plan.channel == Channel.ONLINE else plan.people["desk"]
        with frozen(plan.created_at):
            claim = claim_create_draft(property=home, applicant=applicant, filed_by=filed_by, channel=plan.channel,
                                       urgent=plan.urgent, description=_summary(plan))
        items = DamageItem.objects.bulk_create([
            DamageItem(claim=claim, position=position, location=item.location, kind=item.kind,
                       description=item.description, measurements=item.measurements, noticed_on=item.noticed_on)
            for position, item in enumerate(plan.items, start=1)
        ])
        self._extras(claim, plan, home)
        actors = {**plan.people, "resident": applicant.user}
        return self._play(claim, plan, items, actors)

    def _person(self, resident: Resident, *, since: dt.datetime) -> Person:
        key = resident.username or resident.email
        if key not in self.persons:
            self.persons[key] = self._new_person(resident, since=since)
        return self.persons[key]

    def _new_person(self, resident: Resident, *, since: dt.datetime) -> Person:
        user = None
        if resident.username and resident.username in self.usernames:  # left from an earlier demo: used again
            user = User.objects.get(username=resident.username)
            if (person := Person.objects.filter(user=user).first()) is not None:
                return person
        elif resident.username:
            first, last = resident.name.split(" ", 1)
            user = User(username=resident.username, first_name=first, last_name=last, email=resident.email,
                        date_joined=since - dt.timedelta(minutes=3))
            user.set_unusable_password()  # residents of the demo log in as `bewoner`; the rest never do
            user.save()
            user.groups.add(self.resident_group)
        person = Person.objects.create(
            name=resident.name, email=resident.email, phone=resident.phone, user=user,
            email_verified_at=since if user else None,
            preferred_channel=PreferredChannel.DIGITAL if resident.digital else PreferredChannel.PAPER,
            digital_consent_at=since if resident.digital else None, language=resident.language,
        )
        self.person_since[person.pk] = since
        return person

    def _home(self, address: tuple, *, owners: list[Person]) -> Property:
        (municipality, town, street, digits), pair, number, *rest = address
        addition = rest[0] if rest else ""
        key = (digits + pair, number, addition)
        if key not in self.homes:
            rng = self.rng
            self.homes[key] = Property.objects.create(
                postcode=digits + pair, house_number=number, house_number_addition=addition, street=street,
                town=town, municipality=municipality,
                bag_id=f"{GEMEENTECODE[municipality]}01{rng.randrange(10**9, 10**10):010d}",
                build_year=rng.choice((rng.randint(1905, 1939), rng.randint(1946, 1975), rng.randint(1976, 2005))),
                is_monument=rng.random() < 0.03,
            )
        home = self.homes[key]
        home.owners.add(*owners)
        return home

    def _extras(self, claim: Claim, plan: Plan, home: Property) -> None:
        """What the resident adds to the draft: a co-owner, an estimate; and a priority staff gave it."""
        if plan.co_owner is not None:
            co_owner = self._person(plan.co_owner, since=plan.created_at)
            home.owners.add(co_owner)
            claim.co_applicants.add(co_owner)
        if plan.claimed_amount or plan.priority_reason:
            # No service sets these yet; neither touches the status.
            claim.claimed_amount = plan.claimed_amount
            claim.priority, claim.priority_reason = bool(plan.priority_reason), plan.priority_reason
            claim.save(update_fields=["claimed_amount", "priority", "priority_reason", "updated_at"])

    def _play(self, claim: Claim, plan: Plan, items: list[DamageItem], actors: dict) -> Claim:
        previous = plan.created_at
        for step in plan.steps:
            claim = self._maybe_extend(claim, plan, after=previous, before=step.at)
            data = self._data(step, plan, items, actors)
            with frozen(step.at):
                claim = claim_transition(claim=claim, name=step.name, actor=actors[step.actor], reason=step.reason,
                                         **data)
            previous = step.at
        return self._maybe_extend(claim, plan, after=previous, before=self.now)

    def _data(self, step: Step, plan: Plan, items: list[DamageItem], actors: dict) -> dict:
        """The per-transition data, and what the expert or decision maker records alongside it."""
        data = {key: actors[value] if key == "caseworker" else value for key, value in step.data.items()}
        if step.name == "plan_inspection":
            # An urgent case gets its safety visit within 48 hours; others wait one to three weeks.
            hours = self.rng.randint(20, 40) if plan.urgent else self.rng.randint(5, 20) * 24
            visit = step.at + dt.timedelta(hours=hours)
            data.update(expert=actors["expert"], planned_for=_office_hour(visit))
        elif step.name == "record_advice":
            for item, planned in zip(items, plan.items, strict=True):
                item.expert_verdict, item.repair_cost = planned.verdict, planned.repair_cost
            DamageItem.objects.bulk_update(items, ["expert_verdict", "repair_cost"])
        elif step.name == "decide":
            for item, planned in zip(items, plan.items, strict=True):
                item.awarded_amount = planned.awarded
            DamageItem.objects.bulk_update(items, ["awarded_amount"])
            data.update(outcome=plan.outcome, awarded_amount=plan_award(plan))
        elif step.name == "decide_objection":
            data["well_founded"] = plan.objection_upheld
            if plan.objection_upheld:
                # On objection the item the expert judged least favourably is paid in full after all.
                item = min(items, key=lambda i: (i.awarded_amount or 0) - i.repair_cost)
                item.awarded_amount = item.repair_cost
                item.save(update_fields=["awarded_amount"])
                data["awarded_amount"] = sum((i.awarded_amount or 0 for i in items), Decimal("0.00"))
        return data

    def _maybe_extend(self, claim: Claim, plan: Plan, *, after: dt.datetime, before: dt.datetime) -> Claim:
        """The one extension (Awb 4:14), a few days before the term would lapse, if the plan has one."""
        if not plan.extend or claim.status not in OPEN_STATES or claim.clock_suspended or claim.decision_due is None:
            return claim
        due = timezone.make_aware(dt.datetime.combine(claim.decision_due, dt.time(9)))
        if before < due - dt.timedelta(days=5):
            return claim
        moment = _office_hour(due - dt.timedelta(days=self.rng.uniform(3, 12)))
        moment = max(moment, after + dt.timedelta(minutes=30))
        if local_date(moment) > claim.decision_due or moment >= before:
            return claim
        plan.extend = False  # once (Awb 4:14)
        with frozen(moment):
            return claim_extend_term(claim=claim, actor=plan.people["caseworker"], reason=EXTENSION_REASON)

    def backdate(self, claims: list[tuple[Claim, Plan]]) -> None:
        """`auto_now_add` ignores the frozen clock: give the records the moments of their story."""
        for claim, plan in claims:
            claim.created_at, claim.updated_at = plan.created_at, plan.last_at
        Claim.objects.bulk_update([claim for claim, _plan in claims], ["created_at", "updated_at"], batch_size=500)
        persons = list(Person.objects.filter(pk__in=self.person_since))
        for person in persons:
            person.created_at = self.person_since[person.pk]
        Person.objects.bulk_update(persons, ["created_at"], batch_size=500)


def _summary(plan: Plan) -> str:
    if plan.urgent:
        return f"Acuut onveilig: {plan.items[0].description.lower()}."
    places = sorted({item.location.lower() for item in plan.items})
    return "Schade aan: " + ", ".join(places) + "."


def _working_days(first: dt.date, before: dt.date) -> list[dt.date]:
    days = (first + dt.timedelta(days=n) for n in range((before - first).days))
    return [day for day in days if day.weekday() < 5]


def _office_hour(moment: dt.datetime) -> dt.datetime:
    local = timezone.localtime(moment)
    day = local.date()
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    hour = min(max(local.hour, 9), 16)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0 if local.minute < 30 else 30)))


# --- after the histories: notices of default and recusals --------------------------------------------------

def record_default_notices(built: list[tuple[Claim, Plan]], *, now: dt.datetime, rng: random.Random,
                           count: int = 2) -> list[Claim]:
    """A notice of default (Awb 4:17) on a few open claims whose term lapsed without an extension."""
    today = local_date(now)
    candidates = [
        (claim, plan) for claim, plan in built
        if claim.status in (S.INSPECTION, S.ADVICE_DRAFT, S.COMMISSION_REVIEW, S.DECISION_PENDING)
        and claim.decision_due is not None and (today - claim.decision_due).days > 5
        and not claim.clock_events.filter(kind=ClockEventKind.EXTEND).exists()
    ]
    noticed = []
    for claim, plan in rng.sample(candidates, min(count, len(candidates))):
        received_on = rng.choice(_working_days(claim.decision_due + dt.timedelta(days=1),
                                               min(claim.decision_due + dt.timedelta(days=20), today)))
        moment = max(timezone.make_aware(dt.datetime.combine(received_on, dt.time(11))),
                     plan.last_at + dt.timedelta(hours=1))
        moment = min(moment, now - dt.timedelta(minutes=5))
        with frozen(moment):
            noticed.append(claim_record_default_notice(claim=claim, actor=plan.people["caseworker"],
                                                       received_on=received_on, reason=DEFAULT_NOTICE_REASON))
    return noticed


def record_recusals(built: list[tuple[Claim, Plan]], staff: Staff) -> None:
    """Two commission members stay out of a claim in review (a neighbour; earlier involvement)."""
    in_review = [claim for claim, _plan in built if claim.status == S.COMMISSION_REVIEW]
    for claim, (member, ground, explanation) in zip(in_review, (
        ("commissie2", Recusal.Ground.NEIGHBOUR, "Woont in dezelfde straat."),
        ("commissie3", Recusal.Ground.EARLIER, "Heeft eerder als bouwkundige aan deze woning gewerkt."),
    ), strict=False):
        Recusal.objects.create(claim=claim, member=staff[member], ground=ground, explanation=explanation)


# --- the whole --------------------------------------------------------------------------------------------

@dataclass
class SeedResult:
    loaded_now: bool
    claims: int
    by_state: dict[str, int]
    seconds: float = 0.0
    letters_pending: int = 0


def demo_claims():
    """The claims of the demo: their applicants have addresses at the reserved demo domain."""
    return Claim.objects.filter(applicant__email__endswith="@" + RESIDENT_DOMAIN)


def claims_by_state() -> dict[str, int]:
    counts = Counter(demo_claims().values_list("status", flat=True))
    return {state: counts.get(state, 0) for state in State.values}


def seed_demo(*, claims: int = DEFAULT_CLAIMS, password: str = DEFAULT_PASSWORD) -> SeedResult:
    """Loads the demo unless demo claims exist already; all or nothing."""
    started = time.monotonic()
    state_counts(claims)  # refuses too few claims before anything is written
    with queued_side_effects(), transaction.atomic():
        existing = demo_claims().count()
        if existing:
            return SeedResult(loaded_now=False, claims=existing, by_state=claims_by_state())
        now = timezone.now().replace(microsecond=0)
        staff = ensure_accounts(password, joined=now - dt.timedelta(days=HISTORY_DAYS + 30))
        ensure_teams(staff)
        ensure_profiles(staff, on=local_date(now))
        # Two generators: what the plans hold never depends on the day of seeding; choices made while
        # playing the histories (extensions, notices) may, as terms fall on other days.
        plans = Planner(staff=staff, now=now, rng=random.Random(SEED)).plans(claims)
        builder_rng = random.Random(SEED + 1)
        builder = Builder(staff=staff, now=now, rng=builder_rng)
        built = [(builder.build(plan), plan) for plan in plans]
        record_default_notices(built, now=now, rng=builder_rng)
        record_recusals(built, staff)
        builder.backdate(built)
        deadlines.refresh_suspended()  # what the morning beat does: suspended clocks moved on to today
    render_bewoner_letters()
    return SeedResult(loaded_now=True, claims=len(built), by_state=claims_by_state(),
                      seconds=time.monotonic() - started,
                      letters_pending=Letter.objects.filter(claim__in=demo_claims(), document__isnull=True).count())


@contextlib.contextmanager
def queued_side_effects():
    """The histories cause hundreds of letters and e-mails. Without a broker Celery runs tasks in-process,
    which would render every PDF before the command ends (about a second each). So while the demo
    commits, tasks go to the broker only: a worker makes them; without one they wait, as pending letters
    and unsent e-mails, for the sweeps (`sweep_letters`, `sweep_outbox`)."""
    conf = current_app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = False
    try:
        yield
    finally:
        conf.task_always_eager = eager


def render_bewoner_letters() -> int:
    """The letters the bewoner login sees in the portal, made now so the portal demo has real PDFs."""
    made = 0
    pending = Letter.objects.filter(claim__applicant__user__username=BEWONER, document__isnull=True)
    for letter_id in pending.values_list("pk", flat=True):
        try:
            letters.render(letter_id)
            made += 1
        except Exception:  # e.g. WeasyPrint's libraries missing: the letter stays pending, the demo works
            log.warning("Demo letter %s not rendered; it waits for the letter sweep", letter_id, exc_info=True)
    return made


def password_works(password: str) -> bool:
    """Whether the demo logins still take this password (it may have changed since the demo was loaded)."""
    user = User.objects.filter(username=ACCOUNTS[0].username).first()
    return user is not None and user.check_password(password)


def demo_logins() -> list[tuple[str, str]]:
    """(username, role in Dutch) of every demo login, the eight role logins first."""
    return [(a.username, str(R.LABELS[a.role]) if a.role else "Beheerder (Django-admin)") for a in ACCOUNTS]


DEMO_DEVICE_NAME = "demo"


def ensure_demo_authenticators() -> dict[str, str]:
    """Staff log in with a second factor, demo staff too: each demo staff login gets an authenticator app set up
    in advance, so `manage.py demo_code <username>` can show the code an app would. Returns username → key (base32,
    for a real app). Only accounts named in ACCOUNTS, and only when they have no app of their own yet."""
    from base64 import b32encode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    keys = {}
    users = User.objects.filter(username__in=[a.username for a in ACCOUNTS if a.role != R.RESIDENT])
    for user in users:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
        if device.name == DEMO_DEVICE_NAME:
            keys[user.username] = b32encode(device.bin_key).decode()
    return keys
