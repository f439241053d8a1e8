"""The world both security sweeps attack: claims in every state, each of its own owner (a name, a street and file
names found nowhere else), and one person per role who is connected to none of them. Built once per test module
through the real services, and rolled back at the module's end.

The rules of who sees which claim are written out here by hand from DESIGN.md's roles table (never read back from
claims_visible_to): the probe checks the code against them.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.services import payments as pay
from casework.services.commission import advice_record, review_declare
from casework.services.inspection import damage_item_record_findings, inspection_schedule, inspection_submit_report
from casework.services.objections import objection_take
from claims import letters, termijnen
from claims.models import Absence, Claim, Document, Letter, LetterKind, Payment, PaymentBatch, Recusal, Team
from claims.timeutil import today
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.factories import Cast, UserFactory, claim_in, draft_claim

ANON = "anonymous"
RESIDENT = "resident"  # resident A: has a claim of their own, party to none of the others
DESK = "desk"  # filed only the own claim
GUIDE = "guide"  # guide of the own claim, in the team for Kerkrade (the others are in Heerlen)
EXPERT = "expert"  # assigned only to the own claim
COMMISSION = "commission"  # sees claims in commission review; stepped aside from one of them
DECISION_MAKER = "decision_maker"
FINANCE = "finance"
COORDINATOR = "coordinator"
CALLERS = (ANON, RESIDENT, DESK, GUIDE, EXPERT, COMMISSION, DECISION_MAKER, FINANCE, COORDINATOR)

IBAN = "NL57 RABO 0354 2188 76"  # not the example IBAN of the API schema or the institute's own
# Owners whose names and streets appear nowhere else in the application.
OWNERS = [
    ("Truus", "Schoonbrood"), ("Sjef", "Pluijmaekers"), ("Mia", "Dautzenberg"), ("Harie", "Bemelmans"),
    ("Jet", "Crombach"), ("Bèr", "Gulpers"), ("Fien", "Ploumen"), ("Wiel", "Hamers-Vliegen"),
    ("Lies", "Wetzelaer"), ("Jo", "Frijnsen"), ("Net", "Lardinois"), ("Pie", "Habetsch"),
    ("Door", "Kuijpersz"), ("Zjeng", "Brounsma"), ("Trees", "Ummelsz"), ("Kobus", "Moonenbergh"),
    ("Grad", "Vankanstraat"), ("Ria", "Heijnenkamp"),
]
# The hidden claims by key: (state, extra). The commission member stepped aside from "commission_recused".
HIDDEN = (
    "draft", "submitted", "intake", "info_requested", "inspection", "response_period", "commission_review",
    "commission_recused", "decision_pending", "decided", "objection", "settlement", "closed", "not_admissible",
    "withdrawn", "on_hold",
)
# The state each step of the lifecycle starts from (DESIGN.md's transitions).
STEP_FROM = {
    "submit": "draft", "start_intake": "submitted", "request_info": "intake", "receive_info": "info_requested",
    "declare_not_admissible": "intake", "plan_inspection": "intake", "record_advice": "inspection",
    "send_advice": "response_period", "revise_advice": "response_period", "forward_to_commission": "response_period",
    "advise": "commission_review", "decide": "decision_pending", "file_objection": "decided",
    "decide_objection": "objection", "start_settlement": "decided", "close": "settlement", "withdraw": "intake",
    "hold": "intake", "resume": "on_hold", "reopen": "closed",
}
FINANCE_STATES = {"decided", "objection", "settlement", "closed"}


@dataclass
class Entry:
    """A claim of the world and everything that identifies its owner."""

    key: str
    claim: Claim
    name: str
    street: str
    docs: list[Document] = field(default_factory=list)
    payment: Payment | None = None
    recused: bool = False
    own: bool = False  # the callers' own claim
    cast: Cast | None = None  # the claim's own people (its resident, guide, expert, ...)

    @property
    def state(self) -> str:
        return self.claim.status

    def secrets(self) -> list[str]:
        """What must never show to someone who may not see this claim."""
        surname = self.name.split()[-1]
        found = [self.claim.reference, self.name, surname, self.street]
        found += [d.original_name for d in self.docs if d.original_name]
        if self.payment is not None:
            found += iban_forms(self.payment.iban)
        return found


def iban_forms(iban: str) -> list[str]:
    compact = iban.replace(" ", "")
    return [compact, " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))]


@dataclass
class World:
    users: dict  # caller -> user (None for anonymous)
    entries: list[Entry]
    batch: PaymentBatch
    absence: Absence

    def entry(self, key: str) -> Entry:
        return next(e for e in self.entries if e.key == key)

    @property
    def own(self) -> Entry:
        return self.entry("own")

    def sees(self, caller: str, entry: Entry) -> bool:
        """DESIGN.md's "sees" column for this world."""
        state = entry.state
        return {
            RESIDENT: entry.own,
            DESK: entry.own,
            GUIDE: entry.own,  # the own claim is in the guide's team and theirs; the others are in Heerlen
            EXPERT: entry.own,
            COMMISSION: state == "commission_review" and not entry.recused,
            DECISION_MAKER: state in ("decision_pending", "objection"),
            FINANCE: state in FINANCE_STATES and bool(entry.claim.awarded_amount),
            COORDINATOR: True,
        }.get(caller, False)

    def hidden(self, caller: str) -> list[Entry]:
        return [e for e in self.entries if not self.sees(caller, e)]

    def secrets(self, caller: str) -> list[str]:
        found = [s for e in self.hidden(caller) for s in e.secrets()]
        if caller != FINANCE:
            # IBANs are shown only to finance and the owner (DESIGN.md), whoever else sees the claim.
            found += [s for e in self.entries if e.payment is not None and not (e.own and caller == RESIDENT)
                      for s in iban_forms(e.payment.iban)]
        return sorted(set(found))


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.pdf(), content_type="application/pdf")


def _png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.png(), content_type="image/png")


def _visit() -> tuple[dt.datetime, dt.datetime]:
    day = termijnen.roll_forward(today() + dt.timedelta(days=10))
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)), zone)
    return start, start + dt.timedelta(hours=1)


def _findings(claim: Claim, expert) -> None:
    for item in claim.damage_items.order_by("position"):
        damage_item_record_findings(item=item, actor=expert, location=item.location, kind=item.kind,
                                    verdict="yes", repair_cost=Decimal("1250.00"))


def _hidden_claim(key: str, number: int, commission_member) -> Entry:
    first, surname = OWNERS[number]
    cast = Cast()
    cast.person.name = f"{first} {surname}"
    cast.person.save(update_fields=["name"])
    state = {"commission_recused": "commission_review", "response_period": "inspection",
             "decision_pending": "commission_review"}.get(key, key)
    claim = claim_in(cast, state, items=2)
    if key in ("commission_review", "decision_pending"):  # the member declared no conflict (the advice form shows)
        review_declare(claim=claim, member=cast.commission, has_conflict=False)
    if key == "decision_pending":  # with a real advice, so the decision form shows
        first, second = claim.damage_items.order_by("position")
        advice_record(claim=claim, member=cast.commission, reasoning="Past bij de mijnbouw.",
                      inspection_allowance=True,
                      items=[{"damage_item": first, "plausibility": "yes", "amount": Decimal("3000.00"),
                              "reasoning": "Ja."},
                             {"damage_item": second, "plausibility": "yes", "amount": Decimal("1000.00"),
                              "reasoning": "Ook ja."}])
    if key == "objection":  # taken by a decision maker who did not decide (the hearing and decision forms show)
        objection_take(claim=claim, actor=cast.objection_handler)
    if key == "response_period":  # with the expert's advice report, released to the resident
        _findings(claim, cast.expert)
        inspection_submit_report(claim=claim, actor=cast.expert, upload=_pdf(f"{surname}-rapport.pdf"))
        claim = cast.fire(Claim.objects.get(pk=claim.pk), "send_advice")
    claim.property.street = f"{surname}weg"
    claim.property.save(update_fields=["street"])
    entry = Entry(key=key, claim=claim, name=cast.person.name, street=claim.property.street, cast=cast)
    entry.docs.append(store_upload(claim=claim, file=_pdf(f"{surname}-formulier.pdf"), kind="scan",
                                   actor=cast.coordinator))
    if key == "inspection":
        inspection_schedule(inspection=claim.inspections.get(), actor=cast.caseworker, starts_at=_visit()[0],
                            ends_at=_visit()[1])
        item = claim.damage_items.order_by("position").first()
        entry.docs.append(store_upload(claim=claim, file=_png(f"{surname}-scheur.png"), kind="photo",
                                       actor=cast.resident, damage_item=item))
        entry.docs.append(letters.render(Letter.objects.get(claim=claim, kind=LetterKind.APPOINTMENT).pk).document)
    if key == "commission_recused":
        review_declare(claim=claim, member=commission_member, has_conflict=True, ground=Recusal.Ground.NEIGHBOUR)
        entry.recused = True
    if key == "decided":
        entry.payment = pay.payment_record(claim=claim, actor=cast.finance, iban=IBAN,
                                           account_holder=cast.person.name)
    entry.claim = Claim.objects.get(pk=claim.pk)
    entry.docs = list(entry.claim.documents.order_by("pk"))
    return entry


def build_world() -> World:
    mine = Cast()  # the callers
    mine.person.name = "Piet Ramakers"
    mine.person.save(update_fields=["name"])
    kerkrade = Team.objects.create(name="Team Kerkrade", municipalities=["Kerkrade"])
    kerkrade.members.add(mine.caseworker)
    users = {ANON: None, RESIDENT: mine.resident, DESK: mine.desk, GUIDE: mine.caseworker, EXPERT: mine.expert,
             COMMISSION: mine.commission, DECISION_MAKER: mine.decision_maker, FINANCE: mine.finance,
             COORDINATOR: mine.coordinator}

    entries = [_hidden_claim(key, number, mine.commission) for number, key in enumerate(HIDDEN)]

    own = draft_claim(applicant=mine.person, filed_by=mine.desk, municipality="Kerkrade", items=2)
    own.property.street = "Ramakersweg"
    own.property.save(update_fields=["street"])
    for name in ("submit", "start_intake", "plan_inspection"):
        own = mine.fire(own, name)
    inspection_schedule(inspection=own.inspections.get(), actor=mine.caseworker, starts_at=_visit()[0],
                        ends_at=_visit()[1])
    own_entry = Entry(key="own", claim=Claim.objects.get(pk=own.pk), name=mine.person.name,
                      street=own.property.street, own=True, cast=mine)
    own_entry.docs.append(store_upload(claim=own, file=_pdf("Ramakers-formulier.pdf"), kind="scan", actor=mine.desk))
    entries.append(own_entry)

    # A SEPA file (finance's, nobody else's) with the decided claim's payment, approved by a second finance member.
    decided = next(e for e in entries if e.key == "decided")
    pay.payment_approve(payment=decided.payment, actor=UserFactory(role="finance"))
    batch = pay.batch_create(actor=mine.finance, execution_date=today())
    decided.payment.refresh_from_db()

    absent = UserFactory(role="caseworker")
    absence = Absence.objects.create(user=absent, substitute=mine.caseworker, reason="verlof",
                                     starts_on=today() + dt.timedelta(days=30), ends_on=today() + dt.timedelta(days=40))
    return World(users=users, entries=entries, batch=batch, absence=absence)
