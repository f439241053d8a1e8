"""A home: where the damage is, and whether it lies in the mining damage area."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Limburg Besluit (Stcrt. 2025-35002): the ten municipalities of the mining damage area.
MINING_MUNICIPALITIES = (
    "Beek",
    "Beekdaelen",
    "Brunssum",
    "Heerlen",
    "Kerkrade",
    "Landgraaf",
    "Simpelveld",
    "Sittard-Geleen",
    "Stein",
    "Voerendaal",
)

POSTCODE_PATTERN = r"^[1-9][0-9]{3}[A-Z]{2}$"
_POSTCODE_LOOSE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*$")
# SA, SD and SS are never issued by PostNL.
_POSTCODE_UNUSED_LETTERS = {"SA", "SD", "SS"}


def normalise_postcode(value: str) -> str:
    """'6411 ab' → '6411AB'; raises ValidationError with a message a person understands."""
    match = _POSTCODE_LOOSE.match(value or "")
    if not match or match.group(2).upper() in _POSTCODE_UNUSED_LETTERS:
        raise ValidationError(
            _("Vul een Nederlandse postcode in: vier cijfers en twee letters, bijvoorbeeld 6411 AB."),
            code="postcode",
        )
    return f"{match.group(1)}{match.group(2).upper()}"


def in_mining_area(municipality: str) -> bool:
    return municipality in MINING_MUNICIPALITIES


class Property(models.Model):
    postcode = models.CharField(
        _("postcode"), max_length=6,
        validators=[RegexValidator(POSTCODE_PATTERN, _("Vul een postcode in als 6411AB."))],
    )
    house_number = models.PositiveIntegerField(
        _("huisnummer"), validators=[MinValueValidator(1), MaxValueValidator(99999)]
    )
    house_number_addition = models.CharField(_("toevoeging"), max_length=6, blank=True)
    street = models.CharField(_("straat"), max_length=200)
    town = models.CharField(_("plaats"), max_length=100)
    municipality = models.CharField(_("gemeente"), max_length=100)
    in_mining_area = models.BooleanField(_("in het mijnbouwschadegebied"), default=False, editable=False)
    bag_id = models.CharField(
        _("BAG-id"), max_length=16, blank=True,
        validators=[RegexValidator(r"^\d{16}$", _("Een BAG-id heeft 16 cijfers."))],
    )
    build_year = models.PositiveIntegerField(
        _("bouwjaar"), null=True, blank=True, validators=[MinValueValidator(1000), MaxValueValidator(2100)]
    )
    is_monument = models.BooleanField(_("monument"), default=False)
    owners = models.ManyToManyField("claims.Person", verbose_name=_("eigenaren"), blank=True,
                                    related_name="properties")

    class Meta:
        verbose_name = _("woning")
        verbose_name_plural = _("woningen")
        ordering = ["postcode", "house_number", "house_number_addition"]
        constraints = [
            models.UniqueConstraint(
                fields=["postcode", "house_number", "house_number_addition"], name="property_unique_address"
            ),
            models.CheckConstraint(name="property_postcode_format", condition=Q(postcode__regex=POSTCODE_PATTERN)),
            models.CheckConstraint(name="property_house_number_positive", condition=Q(house_number__gte=1)),
            # The flag always agrees with the municipality, so a query on either gives the same answer.
            models.CheckConstraint(
                name="property_mining_area_flag",
                condition=(
                    Q(in_mining_area=True, municipality__in=MINING_MUNICIPALITIES)
                    | (Q(in_mining_area=False) & ~Q(municipality__in=MINING_MUNICIPALITIES))
                ),
            ),
        ]
        indexes = [
            # The homes of a municipality as ids alone: the team rule of a guide's visibility, the municipality
            # filter of caseload and dashboard (a scan of 230,000 homes otherwise, issue 8).
            models.Index(fields=["municipality", "id"], name="property_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.house_number_label}, {self.postcode_display} {self.town}"

    def save(self, *args, **kwargs) -> None:
        self.in_mining_area = in_mining_area(self.municipality)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)
        self.in_mining_area = in_mining_area(self.municipality)

    @property
    def house_number_label(self) -> str:
        return f"{self.house_number}{('-' + self.house_number_addition) if self.house_number_addition else ''}"

    @property
    def postcode_display(self) -> str:
        return f"{self.postcode[:4]} {self.postcode[4:]}"
