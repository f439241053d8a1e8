"""Staff organisation the visibility rules need: teams by municipality, and commission recusals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """A team of case guides serving some municipalities; members may read each other's claims."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    municipalities = models.JSONField(_("gemeenten"), default=list)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("leden"), related_name="teams",
                                     blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Recusal(models.Model):
    """A commission member who declared a conflict of interest on a claim, and so stays out of it."""

    class Ground(models.TextChoices):
        NEIGHBOUR = "neighbour", _("Buur")
        RELATIVE = "relative", _("Familie")
        EARLIER = "earlier", _("Eerder betrokken")
        OTHER = "other", _("Anders")

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.CASCADE,
                              related_name="recusals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("commissielid"),
                               on_delete=models.PROTECT, related_name="recusals")
    ground = models.CharField(_("grond"), max_length=12, choices=Ground.choices)
    explanation = models.TextField(_("toelichting"), blank=True)
    declared_at = models.DateTimeField(_("gemeld op"), auto_now_add=True)

    class Meta:
        verbose_name = _("verschoning")
        verbose_name_plural = _("verschoningen")
        constraints = [models.UniqueConstraint(fields=["claim", "member"], name="recusal_once_per_member")]

    def __str__(self) -> str:
        return f"{self.member} / {self.claim_id}"


class StaffProfile(models.Model):
    """What residents and colleagues need to reach a staff member, and an expert's declaration of
    interests (shown before the expert is chosen, so a conflict is seen in time)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("medewerker"), on_delete=models.CASCADE,
                                related_name="staff_profile")
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    conflict_declaration = models.TextField(_("verklaring belangen"), blank=True)
    declaration_updated_on = models.DateField(_("verklaring bijgewerkt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("medewerkerprofiel")
        verbose_name_plural = _("medewerkerprofielen")

    def __str__(self) -> str:
        return str(self.user)


class Absence(models.Model):
    """A case guide away for a while, and the colleague residents should call meanwhile."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("afwezige"), on_delete=models.CASCADE,
                             related_name="absences")
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vervanger"),
                                   on_delete=models.PROTECT, related_name="substitutions")
    starts_on = models.DateField(_("van"))
    ends_on = models.DateField(_("tot en met"))
    reason = models.CharField(_("reden"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("afwezigheid")
        verbose_name_plural = _("afwezigheden")
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["user", "ends_on"], name="absence_user_end")]
        constraints = [
            models.CheckConstraint(name="absence_ends_after_start",
                                   condition=models.Q(ends_on__gte=models.F("starts_on"))),
            models.CheckConstraint(name="absence_substitute_is_other",
                                   condition=~models.Q(substitute=models.F("user"))),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_on}–{self.ends_on}"
