"""The inspection (schade-opname): which expert, when, and the advice report that came of it. It lives in
claims because the resident's portal shows the appointment and takes an objection to the expert."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Inspection(models.Model):
    class Status(models.TextChoices):
        CHOSEN = "chosen", _("Deskundige gekozen")
        PLANNED = "planned", _("Afspraak gepland")
        DONE = "done", _("Opname gedaan")
        REPLACED = "replaced", _("Andere deskundige gekozen")

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="inspections")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("deskundige"), on_delete=models.PROTECT,
                               related_name="inspections")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHOSEN)
    chosen_on = models.DateField(_("gekozen op"))
    # The resident may object to the expert within two weeks of being told who it is.
    objection_due = models.DateField(_("bezwaar tegen deskundige uiterlijk"))
    starts_at = models.DateTimeField(_("afspraak begint"), null=True, blank=True)
    ends_at = models.DateTimeField(_("afspraak eindigt"), null=True, blank=True)
    visited_at = models.DateTimeField(_("bezocht op"), null=True, blank=True)
    report = models.ForeignKey("claims.Document", verbose_name=_("adviesrapport"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("schade-opname")
        verbose_name_plural = _("schade-opnames")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["expert", "status"], name="inspection_expert_status"),
            models.Index(fields=["claim", "created_at"], name="inspection_claim_time"),
        ]
        constraints = [
            models.CheckConstraint(name="inspection_ends_after_start",
                                   condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True)
                                   | Q(ends_at__gt=models.F("starts_at"))),
            models.CheckConstraint(name="inspection_planned_has_time",
                                   condition=~Q(status="planned") | Q(starts_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.expert}"
