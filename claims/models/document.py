"""Documents in the dossier: uploads, scans and letters. Immutable once stored."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImmutableRecordError(Exception):
    """Raised when code tries to change or delete a record the law needs kept as it was."""


class DocumentKind(models.TextChoices):
    PHOTO = "photo", _("Foto")
    SCAN = "scan", _("Gescand document")
    LETTER = "letter", _("Brief")
    ADVICE_REPORT = "advice_report", _("Adviesrapport")
    RESPONSE = "response", _("Zienswijze")
    OBJECTION = "objection", _("Bezwaarschrift")
    OTHER = "other", _("Overig")


def document_path(instance: "Document", filename: str) -> str:
    # The stored name never comes from the uploader: the hash is the name.
    return f"claims/{instance.claim_id}/{instance.sha256}"


class Document(models.Model):
    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="documents")
    kind = models.CharField(_("soort"), max_length=16, choices=DocumentKind.choices)
    letter_kind = models.CharField(_("soort brief"), max_length=40, blank=True)
    title = models.CharField(_("titel"), max_length=200)
    file = models.FileField(_("bestand"), upload_to=document_path, max_length=300)
    original_name = models.CharField(_("oorspronkelijke bestandsnaam"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("grootte (bytes)"))
    content_type = models.CharField(_("bestandstype"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("toegevoegd door"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    damage_item = models.ForeignKey("claims.DamageItem", verbose_name=_("schadepunt"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="documents")
    created_at = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="document_sha256_hex", condition=Q(sha256__regex=r"^[0-9a-f]{64}$")),
        ]
        indexes = [models.Index(fields=["claim", "kind"], name="document_claim_kind")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRecordError("A stored document is never changed; add a new one instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("A stored document is never deleted")
