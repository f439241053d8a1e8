"""Letters: recorded the moment they are due, rendered to PDF by the worker, never changed afterwards."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    RECEIPT = "receipt", _("Ontvangstbevestiging")
    INFO_REQUEST = "info_request", _("Verzoek om aanvulling")
    NOT_ADMISSIBLE = "not_admissible", _("Besluit buiten behandeling")
    APPOINTMENT = "appointment", _("Afspraak schade-opname")
    DRAFT_ADVICE = "draft_advice", _("Conceptadvies")
    EXTENSION = "extension", _("Verdaging beslistermijn")
    DECISION = "decision", _("Besluit")
    OBJECTION_RECEIVED = "objection_received", _("Ontvangst bezwaar")
    OBJECTION_DECISION = "objection_decision", _("Beslissing op bezwaar")
    PAYMENT = "payment", _("Betaling")


class Letter(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Wordt gemaakt")
        READY = "ready", _("Klaar")
        FAILED = "failed", _("Mislukt, wordt opnieuw geprobeerd")

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="letters")
    kind = models.CharField(_("soort"), max_length=24, choices=LetterKind.choices)
    # One letter per occasion: a retry or a second click finds the same key and makes nothing new.
    key = models.CharField(_("sleutel"), max_length=80, unique=True)
    recipient = models.ForeignKey("claims.Person", verbose_name=_("aan"), on_delete=models.PROTECT,
                                  related_name="letters")
    language = models.CharField(_("taal"), max_length=2, default="nl")
    context = models.JSONField(_("inhoud"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    document = models.OneToOneField("claims.Document", verbose_name=_("document"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="letter")
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    last_error = models.TextField(_("laatste fout"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("gemaakt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("brief")
        verbose_name_plural = _("brieven")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="letter_status")]
        constraints = [
            models.CheckConstraint(name="letter_ready_has_document",
                                   condition=~Q(status="ready") | Q(document__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.claim_id}"
