"""The scale seed's world: places, names, damage texts, the states' shares and timing, and the lifecycle
paths that lead to each status (claims/models/claim.py)."""

from __future__ import annotations

import math
import random

MARKER = "bench-coordinator"  # the account that shows a database was filled by the scale seed
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
EXPERT_NOTES = (
    "Patroon past bij bodembeweging.", "Scheurpatroon wijst op ongelijke zetting van de fundering.",
    "Schade is ouder dan de melding; deels door krimp van het stucwerk.", "Geen verband met mijnbouw gevonden.",
    "Vervolgschade van een eerder hersteld punt.", "Herstel door een erkende aannemer aanbevolen.",
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

