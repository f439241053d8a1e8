"""The Limburgkamer's part: the queue of claims to review, each member's declaration of (no) conflict of interest
per claim, and the advice per damage item that moves the claim on to the decision maker (`advise`).

A member who declares a conflict gets a claims.Recusal at once, which `claims_visible_to` reads: from that moment
the claim is out of their sight. The advice can only be recorded by a member who declared no conflict, covers
every damage item exactly once, and adds up: items + inspection allowance + statutory interest = total (the
database checks the sum too). Statutory interest is never typed: it follows from the items total, the rate of
settings.MIJNSCHADE_AMOUNTS and the days since the decision deadline passed.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import permissions
from claims import roles as R
from claims.errors import FORBIDDEN, NOT_NOW, TransitionForbidden, TransitionRefused
from claims.models import Claim, ClaimTransition, DamageItem, Recusal
from claims.selectors import claims_visible_to
from claims.services import claim_transition
from claims.services.portal import message_text
from claims.services.steps import lock
from claims.states import State
from claims.timeutil import now, today

from ..amounts import typed_percentage
from ..models import CommissionAdvice, ItemAdvice, Plausibility, ReviewDeclaration

CENT = Decimal("0.01")
AMOUNT_LIMIT = Decimal("1e10")  # the models keep 12 digits, 2 of them after the comma
EXPLANATION_MAX = 2000
TOO_LONG = gettext_lazy("De tekst is te lang. Schrijf ten hoogste %(max)s tekens.")


# --- reads ---------------------------------------------------------------------------------------------------

def commission_claims(member) -> QuerySet[Claim]:
    """The claims this member may review now: in commission review, visible to them, never one they recused
    from (also when another role of theirs would show it)."""
    recused = Recusal.objects.filter(claim=OuterRef("pk"), member=member)
    return (claims_visible_to(member).filter(status=State.COMMISSION_REVIEW)
            .alias(recused=Exists(recused)).filter(recused=False))


def commission_queue_for(member) -> QuerySet[Claim]:
    """The queue: urgent first, then the claim that has waited longest since it was forwarded to the commission.
    One query for any number of claims (the counts and the declaration are subqueries, not joins)."""
    forwarded = (ClaimTransition.objects.filter(claim=OuterRef("pk"), name="forward_to_commission")
                 .order_by("-created_at", "-pk").values("created_at")[:1])
    items = (DamageItem.objects.filter(claim=OuterRef("pk")).order_by().values("claim")
             .annotate(n=Count("pk")).values("n"))
    declared = ReviewDeclaration.objects.filter(claim=OuterRef("pk"), member=member, has_conflict=False)
    return (commission_claims(member).select_related("property")
            .annotate(forwarded_at=Subquery(forwarded),
                      item_count=Coalesce(Subquery(items, output_field=IntegerField()), Value(0)),
                      declared=Exists(declared))
            .order_by("-urgent", F("forwarded_at").asc(nulls_last=True), "pk"))


def declaration_of(member, claim: Claim) -> ReviewDeclaration | None:
    return ReviewDeclaration.objects.filter(claim=claim, member=member).first()


# --- amounts -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AdviceTotals:
    items_total: Decimal
    inspection_allowance: Decimal
    statutory_interest: Decimal
    interest_days: int  # days since the decision deadline passed (0 if it has not)
    interest_rate: Decimal  # per year, e.g. 0.06
    decision_due: dt.date | None

    @property
    def total(self) -> Decimal:
        return self.items_total + self.inspection_allowance + self.statutory_interest

    @property
    def interest_percent(self) -> Decimal:
        """6 for a rate of 0.06 (a year)."""
        return self.interest_rate * 100


def amount_setting(name: str) -> Decimal:
    return Decimal(settings.MIJNSCHADE_AMOUNTS[name])


def interest_days(decision_due: dt.date | None, *, on: dt.date) -> int:
    """Whole days past the decision deadline; the deadline day itself is still in time."""
    if decision_due is None:
        return 0
    return max(0, (on - decision_due).days)


def statutory_interest(*, items_total: Decimal, decision_due: dt.date | None, on: dt.date) -> Decimal:
    """items total * yearly rate * days past the decision deadline / 365, rounded to cents."""
    days = interest_days(decision_due, on=on)
    rate = amount_setting("statutory_interest_rate")
    return (Decimal(items_total) * rate * days / 365).quantize(CENT, rounding=ROUND_HALF_UP)


def advice_totals(*, claim: Claim, items_total: Decimal, inspection_allowance: bool, on: dt.date) -> AdviceTotals:
    items_total = Decimal(items_total).quantize(CENT)
    return AdviceTotals(
        items_total=items_total,
        inspection_allowance=amount_setting("inspection_allowance").quantize(CENT) if inspection_allowance
        else Decimal("0.00"),
        statutory_interest=statutory_interest(items_total=items_total, decision_due=claim.decision_due, on=on),
        interest_days=interest_days(claim.decision_due, on=on),
        interest_rate=amount_setting("statutory_interest_rate"),
        decision_due=claim.decision_due,
    )


# --- rules shared by both services ---------------------------------------------------------------------------

def _ensure_member(member) -> None:
    if member is None or not getattr(member, "is_active", False) or not R.has_role(member, R.COMMISSION):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")


def _ensure_in_review(claim: Claim) -> None:
    if claim.status != State.COMMISSION_REVIEW:
        raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")


# --- the declaration -----------------------------------------------------------------------------------------

@transaction.atomic
def review_declare(*, claim: Claim, member, has_conflict: bool, ground: str = "",
                   explanation: str = "") -> ReviewDeclaration:
    """A member says, once per claim, whether they have a conflict of interest. With a conflict they step aside
    (a Recusal: the claim leaves their sight at once); without one they may review and advise."""
    claim = lock(claim)
    _ensure_member(member)
    _ensure_in_review(claim)
    if Recusal.objects.filter(claim=claim, member=member).exists():
        # Stepped aside before (perhaps recorded by an administrator): nothing more to declare.
        raise TransitionForbidden(FORBIDDEN, code="recused")
    if ReviewDeclaration.objects.filter(claim=claim, member=member).exists():
        raise TransitionRefused(_("U hebt voor deze zaak al verklaard of u een belangenconflict hebt."),
                                code="already_declared")
    explanation = (explanation or "").strip()
    if len(explanation) > EXPLANATION_MAX:
        raise TransitionRefused(TOO_LONG % {"max": EXPLANATION_MAX}, code="text_too_long")
    if has_conflict:
        if ground not in Recusal.Ground.values:
            raise TransitionRefused(_("Kies wat voor belangenconflict u hebt."), code="ground_required")
        if ground == Recusal.Ground.OTHER and not explanation:
            raise TransitionRefused(_("Schrijf op wat het belangenconflict is."), code="explanation_required")
        Recusal.objects.create(claim=claim, member=member, ground=ground, explanation=explanation)
    return ReviewDeclaration.objects.create(claim=claim, member=member, has_conflict=bool(has_conflict),
                                            declared_at=now())


# --- the advice ----------------------------------------------------------------------------------------------

def _item_label(item: DamageItem) -> str:
    return _("Schadepunt %(position)s (%(location)s)") % {"position": item.position, "location": item.location}


def _refuse(item: DamageItem, message: str, code: str) -> TransitionRefused:
    return TransitionRefused(f"{_item_label(item)}: {message}", code=code)


def _item_amount(item: DamageItem, value) -> Decimal:
    if value is None or value == "":
        raise _refuse(item, _("vul het bedrag in."), "amount_required")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise _refuse(item, _("vul een bedrag in van nul of meer."), "invalid_amount") from None
    if not amount.is_finite() or amount < 0:
        raise _refuse(item, _("vul een bedrag in van nul of meer."), "invalid_amount")
    if amount != amount.quantize(CENT):
        raise _refuse(item, _("een bedrag heeft ten hoogste twee cijfers achter de komma."), "invalid_amount")
    if amount >= AMOUNT_LIMIT:
        raise _refuse(item, _("dit bedrag is te hoog."), "invalid_amount")
    return amount.quantize(CENT)


def _percentage(item: DamageItem, value) -> int:
    text = _("vul bij ‘gedeeltelijk’ een percentage in van 1 tot en met 99.")
    message = f"{_item_label(item)}: {text}"
    return typed_percentage(value, message=message, code="percentage_required")


def _item_advice(item: DamageItem, entry: dict) -> ItemAdvice:
    plausibility = entry.get("plausibility")
    if plausibility not in Plausibility.values:
        raise _refuse(item, _("kies of de schade voldoende aannemelijk door mijnbouw komt."), "plausibility_required")
    percentage = None
    if plausibility == Plausibility.PARTLY:
        percentage = _percentage(item, entry.get("percentage"))
    if plausibility == Plausibility.NO:
        raw = entry.get("amount")
        amount = Decimal("0.00") if raw in (None, "") else _item_amount(item, raw)
        if amount != 0:
            raise _refuse(item, _("bij ‘nee’ is het bedrag 0."), "amount_for_no")
    else:
        amount = _item_amount(item, entry.get("amount"))
    reasoning = (entry.get("reasoning") or "").strip()
    if not reasoning:
        raise _refuse(item, _("schrijf de motivering."), "item_reasoning_required")
    reasoning = message_text(reasoning, "", too_long=TOO_LONG)
    return ItemAdvice(damage_item=item, plausibility=plausibility, percentage=percentage, amount=amount,
                      reasoning=reasoning)


def _damage_item_id(entry: dict):
    value = entry.get("damage_item")
    return value.pk if isinstance(value, DamageItem) else value


def _item_advices(claim: Claim, entries: list[dict]) -> list[ItemAdvice]:
    """Every damage item of the claim exactly once, each by the rules; in the order of the claim's items."""
    items = list(claim.damage_items.order_by("position", "pk"))
    by_id = {item.pk: item for item in items}
    given: dict[int, dict] = {}
    for entry in entries:
        try:
            pk = int(_damage_item_id(entry))
        except (TypeError, ValueError):
            raise TransitionRefused(_("Het advies noemt een schadepunt dat niet bij deze zaak hoort."),
                                    code="unknown_item") from None
        if pk not in by_id:
            raise TransitionRefused(_("Het advies noemt een schadepunt dat niet bij deze zaak hoort."),
                                    code="unknown_item")
        if pk in given:
            raise _refuse(by_id[pk], _("dit schadepunt staat twee keer in het advies."), "item_twice")
        given[pk] = entry
    missing = [item for item in items if item.pk not in given]
    if missing:
        raise TransitionRefused(
            _("Geef een advies over elk schadepunt. Nog niet gedaan: %(items)s.")
            % {"items": ", ".join(_item_label(item) for item in missing)},
            code="item_missing",
        )
    if not items:
        raise TransitionRefused(_("Deze zaak heeft geen schadepunten om over te adviseren."), code="no_items")
    return [_item_advice(item, given[item.pk]) for item in items]


@transaction.atomic
def advice_record(*, claim: Claim, member, items: list[dict], reasoning: str,
                  inspection_allowance: bool) -> CommissionAdvice:
    """The commission's advice: per damage item whether the damage is sufficiently plausibly caused by mining
    (yes, partly with a percentage, no), the amount and the reasoning; a general reasoning; the inspection
    allowance if the commission grants it; statutory interest as computed. Then the claim moves on (`advise`).

    Each item is a dict: damage_item (a DamageItem or its id), plausibility, percentage (for partly),
    amount (Decimal, int or str; 0 or empty for no), reasoning."""
    claim = lock(claim)
    _ensure_member(member)
    permissions.ensure(member, "advise", claim)  # the role, not recused
    _ensure_in_review(claim)
    if not ReviewDeclaration.objects.filter(claim=claim, member=member, has_conflict=False).exists():
        raise TransitionRefused(_("Verklaar eerst dat u geen belangenconflict hebt bij deze zaak."),
                                code="not_declared")
    reasoning = message_text(reasoning, _("Schrijf de algemene motivering."), too_long=TOO_LONG)
    advices = _item_advices(claim, list(items))
    totals = advice_totals(claim=claim, items_total=sum((a.amount for a in advices), Decimal("0.00")),
                           inspection_allowance=bool(inspection_allowance), on=today())
    if totals.total >= AMOUNT_LIMIT:
        raise TransitionRefused(_("Het totaal is te hoog."), code="invalid_amount")
    advice = CommissionAdvice.objects.create(
        claim=claim, member=member, reasoning=reasoning, items_total=totals.items_total,
        inspection_allowance=totals.inspection_allowance, statutory_interest=totals.statutory_interest,
        total=totals.total, created_at=now(),
    )
    for item_advice in advices:
        item_advice.advice = advice
    ItemAdvice.objects.bulk_create(advices)
    claim_transition(claim=claim, name="advise", actor=member, reason=reasoning)
    return advice
