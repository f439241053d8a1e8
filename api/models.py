"""Tokens for systems (a municipality, an expert firm, the data warehouse): one per system account, with one
role, stored only as a hash, shown once, revocable."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims import roles


class ApiToken(models.Model):
    name = models.CharField(_("naam"), max_length=100, help_text=_("Voor welk systeem, bijvoorbeeld ‘Gemeente "
                                                                    "Heerlen, KCC’."))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("systeemaccount"), on_delete=models.PROTECT,
                             related_name="api_tokens")
    role = models.CharField(_("rol"), max_length=20, choices=[(name, label) for name, label in roles.LABELS.items()])
    prefix = models.CharField(_("begin van de sleutel"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("aangemaakt door"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="api_token_role_known", condition=Q(role__in=list(roles.ALL_ROLES))),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
