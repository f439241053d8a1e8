"""The claim (schademelding) and its lifecycle. The transitions here change memory only; the service
functions in claims.services lock the row, check permissions, save and write history around them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from ..states import OPEN_STATES, WITHDRAWABLE_STATES, State

S = State
ZERO = Decimal("0.00")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    DESK = "desk", _("Loket")
    PHONE = "phone", _("Telefoon")
    POST = "post", _("Post")


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Toegekend")
    PARTLY_GRANTED = "partly_granted", _("Gedeeltelijk toegekend")
    REJECTED = "rejected", _("Afgewezen")
    NOT_ADMISSIBLE = "not_admissible", _("Buiten behandeling")


class StatusProtectedQuerySet(models.QuerySet):
    """`update()` and `bulk_update()` cannot write `status`: only the lifecycle services may."""

    def update(self, **kwargs):
        if "status" in kwargs:
            raise AttributeError("Claim.status changes only through claims.services.claim_transition")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "status" in fields:
            raise AttributeError("Claim.status changes only through claims.services.claim_transition")
        return super().bulk_update(objs, fields, *args, **kwargs)


def _money(verbose_name):
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )


class Claim(ConcurrentTransitionMixin, models.Model):
    reference = models.CharField(_("zaaknummer"), max_length=14, unique=True, editable=False)
    property = models.ForeignKey("claims.Property", verbose_name=_("woning"), on_delete=models.PROTECT,
                                 related_name="claims")
    applicant = models.ForeignKey("claims.Person", verbose_name=_("aanvrager"), on_delete=models.PROTECT,
                                  related_name="claims")
    co_applicants = models.ManyToManyField("claims.Person", verbose_name=_("mede-eigenaren"), blank=True,
                                           related_name="co_claims")
    channel = models.CharField(_("kanaal"), max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    status = FSMField(_("status"), max_length=20, choices=State.choices, default=S.DRAFT, protected=True)
    held_from = models.CharField(_("aangehouden vanuit"), max_length=20, choices=State.choices, blank=True,
                                 editable=False)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ingediend door"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="filed_claims")
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("zaakbegeleider"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="caseload")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("deskundige"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="inspections_assigned")
    urgent = models.BooleanField(_("acuut onveilig"), default=False)
    priority = models.BooleanField(_("voorrang"), default=False)
    priority_reason = models.TextField(_("reden voorrang"), blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    # Who may claim (Limburg Besluit): owners who live in the home themselves, VvE apartments included.
    owner_occupied = models.BooleanField(_("eigenaar woont zelf in de woning"), null=True, blank=True)
    in_owners_association = models.BooleanField(_("appartement in een VvE"), default=False)
    # The last step of the online report the resident completed, so a draft resumes where it was left.
    report_step = models.CharField(_("stap in het meldformulier"), max_length=20, blank=True, editable=False)

    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("besluit verzonden op"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True, editable=False)
    # The first decision (decide or declare_not_admissible), the calendar days from submission to it and the days
    # the clock was suspended before it, set once by claims.services.lifecycle: the dashboard's time to the first
    # decision reads these instead of working it out from the history of every claim (issue 8). A later decision
    # (after a reopen) keeps them.
    first_decided_at = models.DateTimeField(_("eerste besluit op"), null=True, blank=True, editable=False)
    first_decision_days = models.PositiveIntegerField(_("dagen tot het eerste besluit"), null=True, blank=True,
                                                      editable=False)
    first_decision_suspended_days = models.PositiveIntegerField(_("dagen opgeschort voor het eerste besluit"),
                                                                null=True, blank=True, editable=False)

    # Deadlines, derived from the ClockEvents by claims.deadlines and stored so lists can sort on them.
    decision_due = models.DateField(_("uiterste besluitdatum"), null=True, blank=True, editable=False)
    clock_suspended = models.BooleanField(_("termijn opgeschort"), default=False, editable=False)
    reply_due = models.DateField(_("reactie uiterlijk"), null=True, blank=True, editable=False)
    objection_due = models.DateField(_("bezwaar uiterlijk"), null=True, blank=True, editable=False)
    objection_decision_due = models.DateField(_("beslissing op bezwaar uiterlijk"), null=True, blank=True,
                                              editable=False)
    safety_visit_due = models.DateTimeField(_("veiligheidsbezoek uiterlijk"), null=True, blank=True,
                                            editable=False)

    outcome = models.CharField(_("uitkomst"), max_length=16, choices=Outcome.choices, blank=True,
                               editable=False)
    claimed_amount = _money(_("gevraagd bedrag"))
    awarded_amount = _money(_("toegekend bedrag"))
    paid_amount = _money(_("uitbetaald bedrag"))

    objects = StatusProtectedQuerySet.as_manager()

    class Meta:
        verbose_name = _("schademelding")
        verbose_name_plural = _("schademeldingen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="claim_reference_format", condition=Q(reference__regex=r"^MS-\d{4}-\d{6}$")),
            models.CheckConstraint(name="claim_status_known", condition=Q(status__in=State.values)),
            models.CheckConstraint(name="claim_claimed_not_negative", condition=Q(claimed_amount__gte=0)),
            models.CheckConstraint(name="claim_awarded_not_negative", condition=Q(awarded_amount__gte=0)),
            models.CheckConstraint(name="claim_paid_not_negative", condition=Q(paid_amount__gte=0)),
            models.CheckConstraint(name="claim_paid_within_award",
                                   condition=Q(paid_amount__lte=models.F("awarded_amount"))),
            models.CheckConstraint(name="claim_priority_has_reason",
                                   condition=Q(priority=False) | ~Q(priority_reason="")),
            models.CheckConstraint(name="claim_hold_remembers_state",
                                   condition=~Q(status="on_hold") | ~Q(held_from="")),
        ]
        indexes = [
            models.Index(fields=["status", "decision_due"], name="claim_status_due"),
            models.Index(fields=["caseworker", "status", "decision_due"], name="claim_caseload"),
            models.Index(fields=["expert", "status"], name="claim_expert"),
            models.Index(fields=["filed_by"], name="claim_filed_by"),
            models.Index(fields=["submitted_at"], name="claim_submitted_at"),
            # The default order (newest first): the API's list and the admin read 25 rows, not sort 250,000.
            models.Index(fields=["created_at", "id"], name="claim_newest"),
            # The caseload's order has its own index, PostgreSQL only: see migration 0006.
            models.Index(fields=["safety_visit_due", "id"], name="claim_urgent_visit", condition=Q(urgent=True)),
            # The time to the first decision (claims.figures) counts these two columns of the decided claims:
            # read from this small index alone, not from the 250,000 rows.
            models.Index(fields=["first_decision_days", "first_decision_suspended_days"], name="claim_first_decision",
                         condition=Q(first_decided_at__isnull=False, submitted_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and self.status != S.DRAFT:
            raise AttributeError("A claim is created as a draft; later states come only from transitions")
        super().save(*args, **kwargs)

    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    # --- the lifecycle (DESIGN.md); names are the public transition names -------------------------

    @transition(field=status, source=S.DRAFT, target=S.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(field=status, source=S.SUBMITTED, target=S.INTAKE)
    def start_intake(self) -> None:
        pass

    @transition(field=status, source=S.INTAKE, target=S.INFO_REQUESTED)
    def request_info(self) -> None:
        pass

    @transition(field=status, source=S.INFO_REQUESTED, target=S.INTAKE)
    def receive_info(self) -> None:
        pass

    @transition(field=status, source=[S.INTAKE, S.INFO_REQUESTED], target=S.NOT_ADMISSIBLE)
    def declare_not_admissible(self) -> None:
        pass

    @transition(field=status, source=S.INTAKE, target=S.INSPECTION)
    def plan_inspection(self) -> None:
        pass

    @transition(field=status, source=S.INSPECTION, target=S.ADVICE_DRAFT)
    def record_advice(self) -> None:
        pass

    @transition(field=status, source=S.ADVICE_DRAFT, target=S.RESPONSE_PERIOD)
    def send_advice(self) -> None:
        pass

    @transition(field=status, source=S.RESPONSE_PERIOD, target=S.ADVICE_DRAFT)
    def revise_advice(self) -> None:
        pass

    @transition(field=status, source=S.RESPONSE_PERIOD, target=S.COMMISSION_REVIEW)
    def forward_to_commission(self) -> None:
        pass

    @transition(field=status, source=S.COMMISSION_REVIEW, target=S.DECISION_PENDING)
    def advise(self) -> None:
        pass

    @transition(field=status, source=S.DECISION_PENDING, target=S.DECIDED)
    def decide(self) -> None:
        pass

    # From settlement too: paying the undisputed part must not take away the right to object (Awb 6:7).
    @transition(field=status, source=[S.DECIDED, S.NOT_ADMISSIBLE, S.SETTLEMENT], target=S.OBJECTION)
    def file_objection(self) -> None:
        pass

    @transition(field=status, source=S.OBJECTION, target=RETURN_VALUE(S.SETTLEMENT, S.CLOSED))
    def decide_objection(self) -> str:
        # After the objection the award decides the route: money or repair to arrange, or nothing left.
        return S.SETTLEMENT if self.awarded_amount > ZERO else S.CLOSED

    def has_award(self) -> bool:
        return self.awarded_amount > ZERO

    @transition(field=status, source=S.DECIDED, target=S.SETTLEMENT, conditions=[has_award])
    def start_settlement(self) -> None:
        pass

    @transition(field=status, source=[S.DECIDED, S.SETTLEMENT], target=S.CLOSED)
    def close(self) -> None:
        pass

    @transition(field=status, source=list(WITHDRAWABLE_STATES), target=S.WITHDRAWN)
    def withdraw(self) -> None:
        pass

    @transition(field=status, source=list(OPEN_STATES), target=S.ON_HOLD)
    def hold(self) -> None:
        self.held_from = self.status

    @transition(field=status, source=S.ON_HOLD, target=RETURN_VALUE(*OPEN_STATES))
    def resume(self) -> str:
        left, self.held_from = self.held_from, ""
        return left

    @transition(field=status, source=S.CLOSED, target=S.INTAKE)
    def reopen(self) -> None:
        pass


TRANSITION_NAMES = (
    "submit", "start_intake", "request_info", "receive_info", "declare_not_admissible", "plan_inspection",
    "record_advice", "send_advice", "revise_advice", "forward_to_commission", "advise", "decide",
    "file_objection", "decide_objection", "start_settlement", "close", "withdraw", "hold", "resume", "reopen",
)
