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
