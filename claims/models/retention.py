"""The record that personal data was removed after the retention period (issue 7, item 4; AVG art. 5(1)(e)).

One RetentionRun per run of the command or the nightly job; one AnonymisationRecord per claim it anonymised,
kept for good. They hold no personal data themselves: the claim's reference, times, the categories cleared and
counts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import timeutil
from .history import AppendOnly


class RetentionRun(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Nachtelijke taak")
        COMMAND = "command", _("Beheercommando")

    trigger = models.CharField(_("gestart door"), max_length=10, choices=Trigger.choices)
    years = models.PositiveSmallIntegerField(_("bewaartermijn (jaren)"))
    cutoff = models.DateTimeField(_("afgesloten vóór"))
    limit = models.PositiveIntegerField(_("maximaal aantal zaken"), null=True, blank=True)
    started_at = models.DateTimeField(_("begonnen op"), default=timeutil.now)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    claims_done = models.PositiveIntegerField(_("zaken geanonimiseerd"), default=0)
    persons_done = models.PositiveIntegerField(_("personen geanonimiseerd"), default=0)
    files_deleted = models.PositiveIntegerField(_("bestanden verwijderd"), default=0)
    # Claims someone else had locked at that moment: the next run takes them.
    skipped = models.PositiveIntegerField(_("overgeslagen (in gebruik)"), default=0)
    # Claims that raised an error (logged); they are tried again next run.
    failed = models.PositiveIntegerField(_("mislukt"), default=0)

    class Meta:
        verbose_name = _("bewaartermijnronde")
        verbose_name_plural = _("bewaartermijnrondes")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.years})"


class AnonymisationCategory(models.TextChoices):
    PERSON = "person", _("Naam en contactgegevens")
    ACCOUNT = "account", _("Account")
    ADDRESS = "address", _("Adres van de woning")
    FREE_TEXT = "free_text", _("Vrije tekst (omschrijvingen, notities, berichten, motiveringen)")
    HISTORY = "history", _("Toelichtingen in de geschiedenis")
    FILES = "files", _("Bestanden")
    LETTERS = "letters", _("Inhoud van brieven")
    PAYMENT = "payment", _("Rekeninggegevens")
    EMAIL = "email", _("E-mails")
    MANDATES = "mandates", _("Machtigingen")


class AnonymisationRecord(AppendOnly):
    """That a claim's personal data was removed, when, by which run, and what (append-only)."""

    claim = models.OneToOneField("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                                 related_name="anonymisation")
    reference = models.CharField(_("zaaknummer"), max_length=14)
    run = models.ForeignKey(RetentionRun, verbose_name=_("ronde"), on_delete=models.PROTECT, related_name="records")
    closed_at = models.DateTimeField(_("afgesloten op"))
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), default=timeutil.now)
    categories = models.JSONField(_("verwijderd"), default=list)
    counts = models.JSONField(_("aantallen per soort"), default=dict)
    files_deleted = models.PositiveIntegerField(_("bestanden verwijderd"), default=0)
    persons_anonymised = models.PositiveSmallIntegerField(_("personen geanonimiseerd"), default=0)
    property_anonymised = models.BooleanField(_("adres geanonimiseerd"), default=False)

    class Meta:
        verbose_name = _("anonimisering")
        verbose_name_plural = _("anonimiseringen")
        ordering = ["-anonymised_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} {self.anonymised_at:%Y-%m-%d}"

    def category_labels(self) -> list[str]:
        return [str(AnonymisationCategory(code).label) for code in self.categories
                if code in AnonymisationCategory.values]
