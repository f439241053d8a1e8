"""The staff side's own records: internal notes and the call log, reassignments, and the deadline watch.
Decisions, objections and payments arrive with issue 5."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims import timeutil
from claims.models import ImmutableRecordError


class Note(models.Model):
    """Internal: never shown to residents. A call is a note with a direction; a handover is the note the
    next case guide sees first."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Notitie")
        CALL = "call", _("Telefoongesprek")
        HANDOVER = "handover", _("Overdracht")

    class Direction(models.TextChoices):
        IN = "in", _("Gebeld door de aanvrager")
        OUT = "out", _("Wij belden")

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="notes")
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("door"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("tekst"), max_length=10000)
    direction = models.CharField(_("richting"), max_length=3, choices=Direction.choices, blank=True)
    spoke_with = models.CharField(_("gesproken met"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("tijdstip"), default=timeutil.now)

    class Meta:
        verbose_name = _("notitie")
        verbose_name_plural = _("notities")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["claim", "created_at"], name="note_claim_time"),
            models.Index(fields=["claim", "kind", "created_at"], name="note_claim_kind_time"),
        ]
        constraints = [
            models.CheckConstraint(name="note_call_has_direction",
                                   condition=~Q(kind="call") | ~Q(direction="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.claim_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRecordError("A note is never changed; add a new one instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("A note is never deleted")


class Reassignment(models.Model):
    """Who took a claim over from whom, why, and on whose say (append-only)."""

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="reassignments")
    from_guide = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("van"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    to_guide = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("naar"), on_delete=models.PROTECT,
                                 related_name="+")
    reason = models.TextField(_("reden"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("door"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("tijdstip"), default=timeutil.now)

    class Meta:
        verbose_name = _("overdracht")
        verbose_name_plural = _("overdrachten")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["claim", "created_at"], name="reassignment_claim_time")]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_guide_id} → {self.to_guide_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRecordError("A reassignment is history; it is never changed")
        super().save(*args, **kwargs)


class DeadlineMark(models.Model):
    """What the morning deadline watch found on an open claim: due soon or overdue, and since when."""

    class Level(models.TextChoices):
        DUE_SOON = "due_soon", _("Binnen 10 werkdagen")
        OVERDUE = "overdue", _("Termijn verstreken")

    claim = models.OneToOneField("claims.Claim", verbose_name=_("zaak"), on_delete=models.CASCADE,
                                 related_name="deadline_mark", primary_key=True)
    level = models.CharField(_("markering"), max_length=10, choices=Level.choices)
    due_on = models.DateField(_("uiterste datum"))
    since = models.DateField(_("sinds"))
    checked_on = models.DateField(_("gecontroleerd op"))

    class Meta:
        verbose_name = _("termijnmarkering")
        verbose_name_plural = _("termijnmarkeringen")
        indexes = [models.Index(fields=["level", "due_on"], name="deadlinemark_level_due")]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.level}"


class UrgentAlert(models.Model):
    """The coordinator was told that an urgent claim had no safety visit in time: once per claim."""

    claim = models.OneToOneField("claims.Claim", verbose_name=_("zaak"), on_delete=models.CASCADE,
                                 related_name="urgent_alert", primary_key=True)
    alerted_at = models.DateTimeField(_("gewaarschuwd op"), default=timeutil.now)

    class Meta:
        verbose_name = _("waarschuwing veiligheidsbezoek")
        verbose_name_plural = _("waarschuwingen veiligheidsbezoek")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.alerted_at:%Y-%m-%d %H:%M}"


class Digest(models.Model):
    """One morning digest per person per day, so a second run of the watch sends nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("aan"), on_delete=models.CASCADE,
                             related_name="+")
    on_date = models.DateField(_("datum"))
    claims = models.PositiveIntegerField(_("aantal zaken"), default=0)
    created_at = models.DateTimeField(_("verstuurd op"), default=timeutil.now)

    class Meta:
        verbose_name = _("dagoverzicht")
        verbose_name_plural = _("dagoverzichten")
        constraints = [models.UniqueConstraint(fields=["user", "on_date"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.on_date}"
