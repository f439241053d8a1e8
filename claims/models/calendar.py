"""Data that terms and numbering run on: the Algemene termijnenwet's days and the reference counter."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatutoryHoliday(models.Model):
    """A day on which no statutory term ends (Algemene termijnenwet art. 3). Kept as data per year."""

    class Basis(models.TextChoices):
        GENERAL = "art_3_1", _("Algemeen erkende feestdag (art. 3 lid 1)")
        GOOD_FRIDAY = "art_3_2", _("Goede Vrijdag (art. 3 lid 2)")
        ROYAL_DECREE = "art_3_3", _("Gelijkgesteld bij koninklijk besluit (art. 3 lid 3)")

    date = models.DateField(_("datum"), unique=True)
    name = models.CharField(_("naam"), max_length=100)
    basis = models.CharField(_("grondslag"), max_length=8, choices=Basis.choices, default=Basis.GENERAL)
    source = models.CharField(_("bron"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("feestdag (Algemene termijnenwet)")
        verbose_name_plural = _("feestdagen (Algemene termijnenwet)")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class ReferenceCounter(models.Model):
    """The last reference number handed out per year; incremented atomically in the database."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("zaaknummerteller")
        verbose_name_plural = _("zaaknummertellers")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
