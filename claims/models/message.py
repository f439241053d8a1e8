"""Messages between the resident and the institute, shown in the portal (internal notes are elsewhere)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Kind(models.TextChoices):
        MESSAGE = "message", _("Bericht")
        CALLBACK = "callback", _("Verzoek om terugbellen")
        INFO_ANSWER = "info_answer", _("Aanvulling")
        RESPONSE = "response", _("Zienswijze")
        OBJECTION = "objection", _("Bezwaar")
        WITHDRAWAL = "withdrawal", _("Intrekking")
        EXPERT_OBJECTION = "expert_objection", _("Bezwaar tegen de deskundige")

    class Direction(models.TextChoices):
        IN = "in", _("Van de aanvrager")
        OUT = "out", _("Van I3ML")

    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), on_delete=models.CASCADE,
                              related_name="messages")
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.MESSAGE)
    direction = models.CharField(_("richting"), max_length=3, choices=Direction.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("door"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("tekst"), max_length=10000)
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("verstuurd op"), auto_now_add=True)
    handled_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["claim", "created_at"], name="message_claim_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.claim_id}"
