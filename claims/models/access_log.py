"""Who opened which dossier, downloaded which document or exported which list (issue 7, AVG audit of access).
Append-only: a row is never changed or deleted (claims/models/history.py AppendOnly)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import timeutil
from .history import AppendOnly

USER_AGENT_LENGTH = 200
DETAIL_LENGTH = 500


class AccessLog(AppendOnly):
    class Action(models.TextChoices):
        DOSSIER_OPENED = "dossier_opened", _("Zaak geopend")
        DOCUMENT_DOWNLOADED = "document_downloaded", _("Document gedownload")
        EXPORT = "export", _("Export gemaakt")
        API_READ = "api_read", _("Gelezen via de API")
        ADMIN_VIEWED = "admin_viewed", _("Geopend in het beheer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("door"), on_delete=models.PROTECT,
                             related_name="+")
    # None for an export of many claims.
    claim = models.ForeignKey("claims.Claim", verbose_name=_("zaak"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="access_logs")
    action = models.CharField(_("handeling"), max_length=24, choices=Action.choices)
    document = models.ForeignKey("claims.Document", verbose_name=_("document"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    detail = models.CharField(_("toelichting"), max_length=DETAIL_LENGTH, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_LENGTH, blank=True)
    created_at = models.DateTimeField(_("tijdstip"), default=timeutil.now, db_index=True)

    class Meta:
        verbose_name = _("inzage")
        verbose_name_plural = _("inzagen")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["claim", "created_at"], name="accesslog_claim_time")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.claim_id} {self.created_at:%Y-%m-%d %H:%M}"
