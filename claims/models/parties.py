"""The people on the resident's side: applicants, co-owners and representatives."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PreferredChannel(models.TextChoices):
    PAPER = "paper", _("Per post")
    DIGITAL = "digital", _("Digitaal")


class Person(models.Model):
    """A resident. No BSN is ever stored."""

    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), blank=True)
    email_verified_at = models.DateTimeField(_("e-mailadres bevestigd op"), null=True, blank=True)
    privacy_accepted_at = models.DateTimeField(_("privacyverklaring geaccepteerd op"), null=True, blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    postal_address = models.TextField(
        _("postadres"), blank=True, help_text=_("Alleen als dit niet het adres van de woning is.")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="person",
    )
    preferred_channel = models.CharField(
        _("brieven ontvangen"), max_length=8, choices=PreferredChannel.choices, default=PreferredChannel.PAPER
    )
    digital_consent_at = models.DateTimeField(_("toestemming digitaal op"), null=True, blank=True)
    language = models.CharField(_("taal"), max_length=2, choices=settings.LANGUAGES, default="nl")
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        ordering = ["name", "pk"]
        constraints = [
            # Digital letters only with recorded consent (Awb 2:14).
            models.CheckConstraint(
                name="person_digital_needs_consent",
                condition=~Q(preferred_channel="digital") | Q(digital_consent_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Mandate(models.Model):
    """A representative (gemachtigde) acting for a person, for one claim or for all."""

    class Scope(models.TextChoices):
        ALL = "all", _("Alle zaken")
        CLAIM = "claim", _("Eén zaak")

    principal = models.ForeignKey(Person, verbose_name=_("volmachtgever"), on_delete=models.CASCADE,
                                  related_name="mandates_given")
    representative = models.ForeignKey(Person, verbose_name=_("gemachtigde"), on_delete=models.CASCADE,
                                       related_name="mandates_held")
    scope = models.CharField(_("reikwijdte"), max_length=8, choices=Scope.choices, default=Scope.ALL)
    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="mandates")
    valid_from = models.DateField(_("geldig vanaf"))
    valid_until = models.DateField(_("geldig tot en met"), null=True, blank=True)

    class Meta:
        verbose_name = _("machtiging")
        verbose_name_plural = _("machtigingen")
        constraints = [
            models.CheckConstraint(name="mandate_not_self", condition=~Q(principal=models.F("representative"))),
            models.CheckConstraint(
                name="mandate_claim_scope",
                condition=(Q(scope="claim", claim__isnull=False) | Q(scope="all", claim__isnull=True)),
            ),
            models.CheckConstraint(
                name="mandate_period_order",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.representative} → {self.principal}"
