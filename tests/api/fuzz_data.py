"""The data set the schemathesis run fuzzes against: claims in every state of the lifecycle with the objects
hanging off them (damage items, documents, notes, messages, an inspection, commission advice, a decision, an
objection, payments and a SEPA batch), made through the real services, plus a claim of another resident.

`path_values()` turns it into real values for the schema's path parameters, keyed by the URL segment in front
of the parameter ("documents" → the claim's documents), so the fuzzer reaches the view code, not only 404s."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from casework.models import CommissionAdvice, Decision, Note, Objection
from casework.services import payments as pay
from casework.services.absence import absence_record
from casework.services.commission import advice_record, review_declare
from casework.services.contact import message_send, note_add
from casework.services.decisions import decision_make
from claims import roles as R
from claims.models import (
    Absence,
    Claim,
    ClaimTransition,
    DamageItem,
    Document,
    Inspection,
    Letter,
    Message,
    Payment,
    PaymentBatch,
    Person,
    Property,
)
from claims.timeutil import today
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.factories import PATHS, Cast, UserFactory, claim_in, draft_claim, resident

# A valid Dutch IBAN (check digits correct) for the resident's account.
IBAN = "NL91ABNA0417164300"

# Sub-objects of a claim, by the URL segments an endpoint may use for them.
CLAIM_CHILDREN = {
    "documents": (Document, "claim"),
    "damage": (DamageItem, "claim"),
    "damage-items": (DamageItem, "claim"),
    "damage_items": (DamageItem, "claim"),
    "items": (DamageItem, "claim"),
    "notes": (Note, "claim"),
    "calls": (Note, "claim"),
    "messages": (Message, "claim"),
    "inspections": (Inspection, "claim"),
    "inspection": (Inspection, "claim"),
    "advice": (CommissionAdvice, "claim"),
    "advices": (CommissionAdvice, "claim"),
    "decisions": (Decision, "claim"),
    "objections": (Objection, "claim"),
    "payments": (Payment, "claim"),
    "letters": (Letter, "claim"),
    "history": (ClaimTransition, "claim"),
}
# Objects addressed without a claim in front.
TOP_LEVEL = {
    "people": Person,
    "persons": Person,
    "properties": Property,
    "documents": Document,
    "payments": Payment,
    "batches": PaymentBatch,
    "payment-batches": PaymentBatch,
    "inspections": Inspection,
    "absences": Absence,
    "staff": None,  # users: filled in from the cast
    "users": None,
}


@dataclass
class FuzzData:
    cast: Cast
    claims: dict[str, Claim] = field(default_factory=dict)
    others_claim: Claim | None = None
    second_finance: object = None
    substitute: object = None
    seconds: float = 0.0  # how long making it took

    def users(self) -> list:
        c = self.cast
        return [c.resident, c.desk, c.caseworker, c.expert, c.commission, c.decision_maker, c.objection_handler,
                c.coordinator, c.finance, self.second_finance, self.substitute]


def _upload(claim: Claim, *, actor, name: str, data: bytes, content_type: str, kind: str) -> Document:
    return store_upload(claim=claim, file=SimpleUploadedFile(name, data, content_type=content_type), kind=kind,
                        actor=actor)


def _advised_and_decided(cast: Cast) -> Claim:
    """Through the commission and the decision maker's services: advice, a Decision with its items, a route."""
    claim = claim_in(cast, "commission_review", items=2)
    review_declare(claim=claim, member=cast.commission, has_conflict=False)
    items = [{"damage_item": item, "plausibility": "yes", "amount": Decimal("2000.00"),
              "reasoning": "Past bij mijnbouw in deze straat."} for item in claim.damage_items.order_by("position")]
    advice_record(claim=claim, member=cast.commission, items=items, reasoning="De scheuren passen bij mijnbouw.",
                  inspection_allowance=True)
    claim.refresh_from_db()
    decision_make(claim=claim, actor=cast.decision_maker, outcome="granted", reasoning="Advies gevolgd.",
                  items=[{"damage_item": i["damage_item"], "plausibility": "yes", "amount": i["amount"]}
                         for i in items])
    claim.refresh_from_db()
    return claim


def build(cast: Cast | None = None) -> FuzzData:
    """Everything through the services the pages use, committed (the live server is another thread)."""
    cast = cast or Cast()
    data = FuzzData(cast=cast)
    data.second_finance = UserFactory(role=R.FINANCE)  # four eyes on payments
    data.substitute = UserFactory(role=R.CASEWORKER)

    for state in PATHS:
        data.claims[state] = claim_in(cast, state, items=2)
    data.claims["urgent_intake"] = claim_in(cast, "intake", urgent=True)

    # Decided with a real advice and decision: one payment recorded (to approve), one approved and in a batch.
    to_approve = data.claims["payment_recorded"] = _advised_and_decided(cast)
    pay.payment_record(claim=to_approve, actor=cast.finance, iban=IBAN, account_holder=to_approve.applicant.name)
    batched = data.claims["payment_batched"] = _advised_and_decided(cast)
    payment = pay.payment_record(claim=batched, actor=cast.finance, iban=IBAN,
                                 account_holder=batched.applicant.name)
    pay.payment_approve(payment=payment, actor=data.second_finance)
    pay.batch_create(actor=cast.finance, execution_date=today())
    # Decided through the services, then an objection against it (the Objection record comes with the step).
    data.claims["objection_on_decision"] = cast.fire(_advised_and_decided(cast), "file_objection")

    # Documents: a photo by the resident on a draft, a PDF by the guide in intake, a photo on a damage item.
    draft, intake, inspection = data.claims["draft"], data.claims["intake"], data.claims["inspection"]
    _upload(draft, actor=cast.resident, name="scheur.jpg", data=samples.jpeg(), content_type="image/jpeg",
            kind="photo")
    _upload(intake, actor=cast.caseworker, name="brief.pdf", data=samples.pdf(), content_type="application/pdf",
            kind="scan")
    store_upload(claim=inspection, file=SimpleUploadedFile("gevel.jpg", samples.jpeg(), content_type="image/jpeg"),
                 kind="photo", actor=cast.resident, damage_item=inspection.damage_items.first())

    # Notes and messages by the guide.
    for state in ("intake", "info_requested", "inspection"):
        claim = data.claims[state]
        note_add(claim=claim, actor=cast.caseworker, body="Bewoner belde: scheur is groter geworden.")
        message_send(claim=claim, actor=cast.caseworker, body="We hebben uw aanvraag in behandeling.")

    # The guide is away next month; a colleague stands in (an absence the coordinator may end).
    absence_record(user=cast.caseworker, substitute=data.substitute, starts_on=today() + dt.timedelta(days=30),
                   ends_on=today() + dt.timedelta(days=40), reason="Vakantie", actor=cast.coordinator)

    # Someone else's claim: what the resident must never see (404, not 403).
    _user, other = resident()
    data.others_claim = draft_claim(applicant=other)
    cast.fire(data.others_claim, "submit", actor=other.user)
    return data


def path_values(data: FuzzData) -> dict:
    """Real values for path parameters, read back from the database after `build` (what the services made).

    Returns {"reference": [...], "claim_children": {segment: [(reference, id), ...]},
    "top_level": {segment: [id, ...]}}."""
    references = list(Claim.objects.order_by("pk").values_list("reference", flat=True))
    children: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for segment, (model, claim_field) in CLAIM_CHILDREN.items():
        rows = model.objects.order_by("pk").values_list(f"{claim_field}__reference", "pk")
        children[segment] = [(reference, pk) for reference, pk in rows]
    top: dict[str, list[int]] = {}
    for segment, model in TOP_LEVEL.items():
        if model is None:
            top[segment] = [user.pk for user in data.users()]
        else:
            top[segment] = list(model.objects.order_by("pk").values_list("pk", flat=True))
    return {"reference": references, "claim_children": dict(children), "top_level": top}


def body_ids(data: FuzzData) -> dict[str, list[int]]:
    """Real ids for the fields of request bodies that name another object, by field name: a guide to assign,
    an expert to plan, a person or property for a desk claim. Without them nearly every such request is a 400."""
    cast = data.cast
    guides = [cast.caseworker.pk, data.substitute.pk]
    return {
        "caseworker": guides,
        "to_guide": guides,
        "user": guides,
        "substitute": [data.substitute.pk, cast.caseworker.pk],
        "expert": [cast.expert.pk],
        "person": list(Person.objects.order_by("pk").values_list("pk", flat=True)),
        "property": list(Property.objects.order_by("pk").values_list("pk", flat=True)),
        "letter": list(Letter.objects.order_by("pk").values_list("pk", flat=True)),
    }
