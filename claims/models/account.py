"""One-time codes: to verify an e-mail address, and to claim the account of a claim filed at the desk."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessCode(models.Model):
    class Purpose(models.TextChoices):
        VERIFY_EMAIL = "verify_email", _("E-mailadres bevestigen")
        ACTIVATE = "activate", _("Account activeren (loket)")

    person = models.ForeignKey("claims.Person", verbose_name=_("persoon"), on_delete=models.CASCADE,
                               related_name="access_codes")
    purpose = models.CharField(_("doel"), max_length=16, choices=Purpose.choices)
    # Only a hash is stored: a leaked table does not leak usable codes.
    code_hash = models.CharField(_("code (hash)"), max_length=128, unique=True)
    expires_at = models.DateTimeField(_("geldig tot"))
    used_at = models.DateTimeField(_("gebruikt op"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("toegangscode")
        verbose_name_plural = _("toegangscodes")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.person_id}"
