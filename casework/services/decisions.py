"""The decision on an application: the decision maker takes the commission's advice, decides per damage item,
and the claim moves to `decided` (the `decide` step, four eyes included) with its decision letter.

`decision_make` is one change: it locks the claim, checks that this person may decide it now (role, state,
four eyes: nobody who advised on the claim decides it), checks the amounts, fires `decide` through
`claim_transition`, keeps the Decision and its items, and schedules the letter, all in one transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from claims import letters, permissions
from claims.errors import NOT_NOW, TransitionRefused
from claims.models import Claim, DamageItem, LetterKind, Outcome
from claims.services import claim_transition
from claims.services.steps import lock, require_text
from claims.states import State

from ..amounts import ZERO, ensure_within_columns, money, route_for, typed_amount, typed_percentage
from ..models import CommissionAdvice, Decision, DecisionItem, ItemAdvice, Plausibility

OUTCOMES = (Outcome.GRANTED, Outcome.PARTLY_GRANTED, Outcome.REJECTED)

NO_ADVICE = _("Er is nog geen advies van de commissie. Zonder advies kunt u niet besluiten.")
REASONING_NEEDED = _("Schrijf de motivering van het besluit.")
OUTCOME_NEEDED = _("Kies de uitkomst: toegekend, gedeeltelijk toegekend of afgewezen.")
AMOUNT_INVALID = _("Vul bij schadepunt %(position)s een bedrag in van nul of meer, in hele centen.")
PLAUSIBILITY_INVALID = _("Kies bij schadepunt %(position)s of de schade aannemelijk door mijnbouw komt.")
NO_MEANS_ZERO = _("Schadepunt %(position)s komt niet door mijnbouw. Het bedrag is dan nul.")
PERCENTAGE_NEEDED = _("Vul bij schadepunt %(position)s een percentage in van 1 tot en met 99.")
ITEMS_MISMATCH = _("Besluit over elk schadepunt van deze zaak precies één keer.")
REJECTED_HAS_AMOUNT = _("Bij een afwijzing is het bedrag van elk schadepunt nul.")
GRANT_NEEDS_AMOUNT = _("Bij een toekenning krijgt ten minste één schadepunt een bedrag boven nul.")


# --- reads others share ------------------------------------------------------------------------------------------

def newest_advice(claim: Claim) -> CommissionAdvice | None:
    """The commission's latest advice on the claim, with its items (and their damage items) in one query more."""
    items = ItemAdvice.objects.select_related("damage_item").order_by("damage_item__position", "pk")
    return (CommissionAdvice.objects.filter(claim=claim).select_related("member")
            .prefetch_related(Prefetch("items", queryset=items))
            .order_by("-created_at", "-pk").first())


@dataclass(frozen=True)
class DecidedItem:
    """What the decision says about one damage item; `percentage` and `reasoning` go into the letter only."""

    damage_item: DamageItem
    plausibility: str
    amount: Decimal
    percentage: int | None = None
    reasoning: str = ""

    def for_letter(self) -> dict[str, Any]:
        item = self.damage_item
        return {"position": item.position, "location": item.location, "kind": item.kind,
                "plausibility": self.plausibility, "percentage": self.percentage, "amount": money(self.amount),
                "reasoning": self.reasoning}


def letter_items(rows: Iterable[DecidedItem]) -> list[dict[str, Any]]:
    return [row.for_letter() for row in sorted(rows, key=lambda r: (r.damage_item.position, r.damage_item.pk))]


# --- checks ------------------------------------------------------------------------------------------------------

def _amount(value, position: int) -> Decimal:
    return typed_amount(value, message=AMOUNT_INVALID % {"position": position})


def _percentage(value, position: int) -> int:
    return typed_percentage(value, message=PERCENTAGE_NEEDED % {"position": position})


def decided_items(claim: Claim, items: list[dict], advice: CommissionAdvice) -> list[DecidedItem]:
    """Each damage item of the claim exactly once, with a plausibility and an amount that agree. The reasoning
    of an item is the advice's unless the decision maker wrote their own."""
    own = {item.pk: item for item in claim.damage_items.order_by("position", "pk")}
    advised = {row.damage_item_id: row for row in advice.items.all()}
    rows: dict[int, DecidedItem] = {}
    for entry in items:
        given = entry.get("damage_item")
        pk = given.pk if isinstance(given, DamageItem) else given
        item = own.get(pk) if isinstance(pk, int) else None
        if item is None or pk in rows:
            raise TransitionRefused(ITEMS_MISMATCH, code="items_mismatch")
        position = item.position
        plausibility = entry.get("plausibility")
        if plausibility not in Plausibility.values:
            raise TransitionRefused(PLAUSIBILITY_INVALID % {"position": position}, code="invalid_plausibility")
        amount = _amount(entry.get("amount"), position)
        if plausibility == Plausibility.NO and amount != ZERO:
            raise TransitionRefused(NO_MEANS_ZERO % {"position": position}, code="no_means_zero")
        percentage = None
        if plausibility == Plausibility.PARTLY:
            percentage = _percentage(entry.get("percentage"), position)
        reasoning = (entry.get("reasoning") or "").strip()
        if not reasoning and pk in advised:
            reasoning = advised[pk].reasoning
        rows[pk] = DecidedItem(damage_item=item, plausibility=plausibility, amount=amount, percentage=percentage,
                               reasoning=reasoning)
    if set(rows) != set(own):
        raise TransitionRefused(ITEMS_MISMATCH, code="items_mismatch")
    return [rows[pk] for pk in own]


def decision_total(*, outcome: str, items_total: Decimal, advice: CommissionAdvice | None) -> Decimal:
    """What is awarded: the items plus the allowances the advice adds (inspection half day, statutory
    interest); nothing at all when the application is rejected."""
    if outcome == Outcome.REJECTED:
        return ZERO
    if advice is None:
        return items_total
    return items_total + advice.inspection_allowance + advice.statutory_interest


# --- the change --------------------------------------------------------------------------------------------------

@transaction.atomic
def decision_make(*, claim: Claim, actor, outcome: str, items: list[dict], reasoning: str) -> Decision:
    """Decides the application on the commission's advice. `items` holds one dict per damage item:
    {"damage_item": DamageItem or its pk, "plausibility": yes/partly/no, "amount": Decimal, "percentage": 1 to 99
    for partly, "reasoning": optional text for the letter (else the advice's)}."""
    claim = lock(claim)
    permissions.ensure(actor, "decide", claim)  # role and four eyes (403) before anything is read from the form
    if not can_proceed(claim.decide, check_conditions=False):
        raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")
    if outcome not in OUTCOMES:
        raise TransitionRefused(OUTCOME_NEEDED, code="invalid_outcome")
    reasoning = require_text(reasoning, REASONING_NEEDED)
    advice = newest_advice(claim)
    if advice is None:
        raise TransitionRefused(NO_ADVICE, code="no_advice")
    rows = decided_items(claim, items, advice)
    items_total = sum((row.amount for row in rows), ZERO)
    if outcome == Outcome.REJECTED and items_total != ZERO:
        raise TransitionRefused(REJECTED_HAS_AMOUNT, code="rejected_has_amount")
    if outcome != Outcome.REJECTED and items_total <= ZERO:
        raise TransitionRefused(GRANT_NEEDS_AMOUNT, code="grant_needs_amount")
    total = decision_total(outcome=outcome, items_total=items_total, advice=advice)
    ensure_within_columns(total)

    claim = claim_transition(claim=claim, name="decide", actor=actor, reason=reasoning, outcome=outcome,
                             awarded_amount=total)
    decision = Decision.objects.create(claim=claim, kind=Decision.Kind.FIRST, advice=advice, outcome=outcome,
                                       total=total, route=route_for(total), reasoning=reasoning, decided_by=actor)
    DecisionItem.objects.bulk_create([
        DecisionItem(decision=decision, damage_item=row.damage_item, plausibility=row.plausibility,
                     amount=row.amount)
        for row in rows
    ])
    for row in rows:
        row.damage_item.awarded_amount = row.amount
    DamageItem.objects.bulk_update([row.damage_item for row in rows], ["awarded_amount"])

    letters.schedule(claim=claim, kind=LetterKind.DECISION, key=f"decision:{decision.pk}", context={
        "decision_id": decision.pk,
        "outcome": outcome,
        "total": money(total),
        "route": decision.route,
        "reasoning": reasoning,
        "objection_due_on": claim.objection_due.isoformat(),
        "items": letter_items(rows),
        # Named rows in the letter's table instead of one "other costs" line (none when rejected).
        "inspection_allowance": money(advice.inspection_allowance if outcome != Outcome.REJECTED else ZERO),
        "statutory_interest": money(advice.statutory_interest if outcome != Outcome.REJECTED else ZERO),
    })
    return decision
