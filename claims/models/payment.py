"""Payments of awarded amounts, and the batches finance sends to the bank. They live in claims because the
owner sees their own payment (and IBAN) in the portal."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentBatch(models.Model):
    """One SEPA credit-transfer file (pain.001.001.03). Exporting again gives the same file, never new money."""

    message_id = models.CharField(_("berichtkenmerk"), max_length=35, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("gemaakt door"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)
    execution_date = models.DateField(_("uitvoerdatum"))
    count = models.PositiveIntegerField(_("aantal betalingen"))
    total = models.DecimalField(_("totaal"), max_digits=14, decimal_places=2)
    xml = models.TextField(_("SEPA-bestand"))
    paid_at = models.DateTimeField(_("betaald op"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("betaald gemeld door"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("betaalbestand")
        verbose_name_plural = _("betaalbestanden")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message_id


class Payment(models.Model):
    class Status(models.TextChoices):
        RECORDED = "recorded", _("Vastgelegd")
        APPROVED = "approved", _("Goedgekeurd")
        EXPORTED = "exported", _("In betaalbestand")
        PAID = "paid", _("Betaald")
        CANCELLED = "cancelled", _("Geannuleerd")

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="payments")
    iban = models.CharField(_("IBAN"), max_length=34)
    account_holder = models.CharField(_("tenaamstelling"), max_length=70)
    amount = models.DecimalField(_("bedrag"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECORDED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"),
                                    on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("goedgekeurd door"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(PaymentBatch, verbose_name=_("betaalbestand"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="payments")
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    paid_at = models.DateTimeField(_("betaald op"), null=True, blank=True)

    class Meta:
        verbose_name = _("betaling")
        verbose_name_plural = _("betalingen")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="payment_status")]
        constraints = [
            # A claim is never paid twice: at most one payment under way per claim. A paid one does not count,
            # so a raise after a well-founded objection can be paid; award minus paid bounds every amount.
            models.UniqueConstraint(fields=["claim"], condition=Q(status__in=["recorded", "approved", "exported"]),
                                    name="payment_one_under_way"),
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="payment_four_eyes",
                                   condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("recorded_by"))),
            models.CheckConstraint(name="payment_exported_has_batch",
                                   condition=~Q(status__in=["exported", "paid"]) | Q(batch__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.amount}"

    @property
    def iban_masked(self) -> str:
        """Country, check digits and the last four: enough to recognise, not to use."""
        compact = self.iban.replace(" ", "")
        return f"{compact[:4]} **** **** {compact[-4:]}" if len(compact) > 8 else "****"
