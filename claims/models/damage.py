"""A damage item: one crack, one subsided floor, one leaning wall."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DamageKind(models.TextChoices):
    CRACK = "crack", _("Scheur")
    SUBSIDENCE = "subsidence", _("Verzakking")
    TILT = "tilt", _("Scheefstand")
    MOISTURE = "moisture", _("Vocht of wateroverlast")
    SINKHOLE = "sinkhole", _("Gat in de grond")
    OTHER = "other", _("Anders")


class Verdict(models.TextChoices):
    YES = "yes", _("Ja, mijnbouwschade")
    PARTLY = "partly", _("Gedeeltelijk")
    NO = "no", _("Nee, geen mijnbouwschade")


class DamageItem(models.Model):
    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.CASCADE,
                              related_name="damage_items")
    position = models.PositiveSmallIntegerField(_("volgnummer"), default=1)
    location = models.CharField(_("plaats in of bij de woning"), max_length=120)
    kind = models.CharField(_("soort schade"), max_length=12, choices=DamageKind.choices)
    description = models.TextField(_("omschrijving"))
    noticed_on = models.DateField(_("gezien sinds"), null=True, blank=True)
    measurements = models.CharField(_("afmetingen"), max_length=200, blank=True)
    expert_notes = models.TextField(_("toelichting deskundige"), blank=True)
    added_by_expert = models.BooleanField(_("gevonden bij de opname"), default=False)
    expert_verdict = models.CharField(_("oordeel deskundige"), max_length=8, choices=Verdict.choices,
                                      blank=True)
    repair_cost = models.DecimalField(_("herstelkosten"), max_digits=12, decimal_places=2, null=True,
                                      blank=True, validators=[MinValueValidator(0)])
    awarded_amount = models.DecimalField(_("toegekend bedrag"), max_digits=12, decimal_places=2, null=True,
                                         blank=True, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("schadepunt")
        verbose_name_plural = _("schadepunten")
        ordering = ["claim", "position", "pk"]
        constraints = [
            models.CheckConstraint(name="damage_repair_cost_not_negative",
                                   condition=Q(repair_cost__isnull=True) | Q(repair_cost__gte=0)),
            models.CheckConstraint(name="damage_awarded_not_negative",
                                   condition=Q(awarded_amount__isnull=True) | Q(awarded_amount__gte=0)),
            models.CheckConstraint(name="damage_kind_known", condition=Q(kind__in=DamageKind.values)),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}/{self.position} {self.location}"
