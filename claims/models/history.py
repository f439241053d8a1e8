"""Append-only records: every transition, and every event that moves a legal clock."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import timeutil
from ..states import State
from .document import ImmutableRecordError


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRecordError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(f"{type(self).__name__} rows are append-only")


class CurrentTransactionId(models.Func):
    """The id of the transaction that writes the row (PostgreSQL), which orders the change feed: a row whose
    transaction id is below the oldest running transaction can no longer be joined by an earlier one.
    Elsewhere (SQLite, one writer at a time) 0, and the feed falls back to the row id."""

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        return "0", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return "(pg_current_xact_id()::text::bigint)", []


class ClaimTransition(AppendOnly):
    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="transitions")
    name = models.CharField(_("stap"), max_length=32)
    from_state = models.CharField(_("van"), max_length=20, choices=State.choices)
    to_state = models.CharField(_("naar"), max_length=20, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("door"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("toelichting"), blank=True)
    data = models.JSONField(_("gegevens"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tijdstip"), default=timeutil.now, db_index=True)
    txid = models.BigIntegerField(_("transactie"), db_default=CurrentTransactionId(), editable=False)

    class Meta:
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["claim", "created_at"], name="transition_claim_time"),
            models.Index(fields=["claim", "name", "actor"], name="transition_claim_name_actor"),
            models.Index(fields=["txid", "id"], name="transition_feed"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.name}: {self.from_state} → {self.to_state}"


class ClockEventKind(models.TextChoices):
    START = "start", _("Termijn gestart")
    SUSPEND = "suspend", _("Termijn opgeschort")
    RESUME = "resume", _("Termijn loopt weer")
    EXTEND = "extend", _("Termijn verdaagd")
    DEFAULT_NOTICE = "default_notice", _("Ingebrekestelling ontvangen")
    REPLY_TERM = "reply_term", _("Reactietermijn gegeven")
    SAFETY_VISIT = "safety_visit", _("Veiligheidsbezoek afgelegd")


class ClockEvent(AppendOnly):
    """One thing that moves a legal clock. Deadlines are always derived from these, never typed in."""

    class Cause(models.TextChoices):
        INFO_REQUEST = "info_request", _("Verzoek om aanvulling (art. 4:15 Awb)")
        ON_HOLD = "on_hold", _("Aangehouden op verzoek van de aanvrager (art. 4:15 Awb)")
        RESPONSE = "response", _("Zienswijze op het conceptadvies")
        OTHER = "other", _("Overig")

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="clock_events")
    kind = models.CharField(_("soort"), max_length=16, choices=ClockEventKind.choices)
    cause = models.CharField(_("aanleiding"), max_length=16, choices=Cause.choices, blank=True)
    on_date = models.DateField(_("datum"))
    due_date = models.DateField(_("uiterlijk"), null=True, blank=True)
    weeks = models.PositiveSmallIntegerField(
        _("weken"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    reason = models.TextField(_("reden"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("door"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("termijngebeurtenis")
        verbose_name_plural = _("termijngebeurtenissen")
        ordering = ["on_date", "pk"]
        indexes = [models.Index(fields=["claim", "on_date"], name="clockevent_claim_date")]
        constraints = [
            models.CheckConstraint(name="clockevent_extension_has_weeks_and_reason",
                                   condition=~Q(kind="extend") | (Q(weeks__isnull=False) & ~Q(reason=""))),
            # Awb 4:14: the decision term is extended at most once.
            models.UniqueConstraint(fields=["claim"], condition=Q(kind="extend"), name="clockevent_one_extension"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.kind} {self.on_date}"
