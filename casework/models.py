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


# --- the commission's review and advice (issue 5) ---------------------------------------------------------------

class Plausibility(models.TextChoices):
    YES = "yes", _("Ja, voldoende aannemelijk")
    PARTLY = "partly", _("Gedeeltelijk")
    NO = "no", _("Nee")


class ReviewDeclaration(models.Model):
    """A commission member's statement, per claim, whether they have a conflict of interest. One with a
    conflict is also a claims.Recusal (which the visibility rules read); this keeps the "no conflict" too."""

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="review_declarations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("commissielid"), on_delete=models.PROTECT,
                               related_name="+")
    has_conflict = models.BooleanField(_("belangenconflict"))
    declared_at = models.DateTimeField(_("verklaard op"), default=timeutil.now)

    class Meta:
        verbose_name = _("verklaring commissielid")
        verbose_name_plural = _("verklaringen commissieleden")
        constraints = [models.UniqueConstraint(fields=["claim", "member"], name="declaration_once_per_member")]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.member_id} {self.has_conflict}"


class CommissionAdvice(models.Model):
    """The Limburgkamer's advice on a claim: per damage item, plus allowances and a general reasoning."""

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="commission_advices")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), on_delete=models.PROTECT,
                               related_name="+")
    reasoning = models.TextField(_("algemene motivering"))
    items_total = models.DecimalField(_("totaal schadepunten"), max_digits=12, decimal_places=2)
    inspection_allowance = models.DecimalField(_("vergoeding schade-opname"), max_digits=12, decimal_places=2,
                                               default=0)
    statutory_interest = models.DecimalField(_("wettelijke rente"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("totaal advies"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("vastgelegd op"), default=timeutil.now)

    class Meta:
        verbose_name = _("advies commissie")
        verbose_name_plural = _("adviezen commissie")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="advice_amounts_not_negative",
                                   condition=Q(items_total__gte=0, inspection_allowance__gte=0,
                                               statutory_interest__gte=0)),
            models.CheckConstraint(name="advice_total_adds_up",
                                   condition=Q(total=models.F("items_total") + models.F("inspection_allowance")
                                               + models.F("statutory_interest"))),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.total}"


class ItemAdvice(models.Model):
    advice = models.ForeignKey(CommissionAdvice, verbose_name=_("advies"), on_delete=models.CASCADE,
                               related_name="items")
    damage_item = models.ForeignKey("claims.DamageItem", verbose_name=_("schadepunt"), on_delete=models.PROTECT,
                                    related_name="+")
    plausibility = models.CharField(_("aannemelijk door mijnbouw"), max_length=8, choices=Plausibility.choices)
    percentage = models.PositiveSmallIntegerField(_("percentage"), null=True, blank=True)
    amount = models.DecimalField(_("bedrag"), max_digits=12, decimal_places=2)
    reasoning = models.TextField(_("motivering"))

    class Meta:
        verbose_name = _("advies per schadepunt")
        verbose_name_plural = _("adviezen per schadepunt")
        ordering = ["advice", "damage_item__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["advice", "damage_item"], name="item_advice_once"),
            models.CheckConstraint(name="item_advice_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(name="item_advice_no_means_zero", condition=~Q(plausibility="no") | Q(amount=0)),
            models.CheckConstraint(name="item_advice_partly_has_percentage",
                                   condition=~Q(plausibility="partly") | Q(percentage__gte=1, percentage__lte=99)),
        ]

    def __str__(self) -> str:
        return f"{self.advice_id}/{self.damage_item_id}"


# --- decisions and objections (issue 5) --------------------------------------------------------------------------

class Route(models.TextChoices):
    MONEY = "money", _("Uitbetaling in geld")
    MIDDLE = "middle", _("Geld of herstel, naar keuze")
    REPAIR = "repair", _("Herstel door een aannemer of via een bouwdepot")
    NONE = "none", _("Geen vergoeding")


class Decision(models.Model):
    """A decision of I3ML: on the application, or on an objection. The claim carries the current outcome
    and amount; this keeps each decision as it was, with its items."""

    class Kind(models.TextChoices):
        FIRST = "first", _("Besluit op de aanvraag")
        OBJECTION = "objection", _("Beslissing op bezwaar")

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="decisions")
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices, default=Kind.FIRST)
    advice = models.ForeignKey(CommissionAdvice, verbose_name=_("advies"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("uitkomst"), max_length=16)
    total = models.DecimalField(_("toegekend bedrag"), max_digits=12, decimal_places=2)
    route = models.CharField(_("route"), max_length=8, choices=Route.choices)
    reasoning = models.TextField(_("motivering"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("besloten door"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("besloten op"), default=timeutil.now)

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(name="decision_total_not_negative", condition=Q(total__gte=0))]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.kind} {self.total}"


class DecisionItem(models.Model):
    decision = models.ForeignKey(Decision, verbose_name=_("besluit"), on_delete=models.CASCADE, related_name="items")
    damage_item = models.ForeignKey("claims.DamageItem", verbose_name=_("schadepunt"), on_delete=models.PROTECT,
                                    related_name="+")
    plausibility = models.CharField(_("aannemelijk door mijnbouw"), max_length=8, choices=Plausibility.choices)
    amount = models.DecimalField(_("bedrag"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("besluit per schadepunt")
        verbose_name_plural = _("besluiten per schadepunt")
        ordering = ["decision", "damage_item__position", "pk"]
        constraints = [models.CheckConstraint(name="decision_item_not_negative", condition=Q(amount__gte=0))]

    def __str__(self) -> str:
        return f"{self.decision_id}/{self.damage_item_id}"


class Objection(models.Model):
    """A bezwaar against a decision: filed (portal or paper), handled by someone who did not decide, with
    an optional hearing, decided within 12 weeks (Awb 7:10)."""

    class HearingKind(models.TextChoices):
        VIDEO = "video", _("Via video")
        ON_SITE = "on_site", _("Bij de woning")
        OFFICE = "office", _("Op kantoor in Heerlen")

    class Outcome(models.TextChoices):
        WELL_FOUNDED = "well_founded", _("Gegrond")
        UNFOUNDED = "unfounded", _("Ongegrond")

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.PROTECT,
                              related_name="objections")
    grounds = models.TextField(_("gronden"))
    received_on = models.DateField(_("ontvangen op"))
    late = models.BooleanField(_("te laat"), default=False)
    late_excuse = models.TextField(_("reden te laat"), blank=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("behandelaar"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    hearing_at = models.DateTimeField(_("hoorzitting op"), null=True, blank=True)
    hearing_kind = models.CharField(_("soort hoorzitting"), max_length=8, choices=HearingKind.choices, blank=True)
    hearing_notes = models.TextField(_("verslag hoorzitting"), blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=14, choices=Outcome.choices, blank=True)
    decision = models.OneToOneField(Decision, verbose_name=_("beslissing op bezwaar"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="objection")
    created_at = models.DateTimeField(_("vastgelegd op"), default=timeutil.now)

    class Meta:
        verbose_name = _("bezwaar")
        verbose_name_plural = _("bezwaren")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="objection_late_has_excuse", condition=Q(late=False) | ~Q(late_excuse="")),
            models.CheckConstraint(name="objection_hearing_has_kind",
                                   condition=Q(hearing_at__isnull=True) | ~Q(hearing_kind="")),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.received_on}"
