from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Behandeling")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # signals: a submitted claim is handed to automatic assignment; retention: clears the staff side's
        # text when a claim is anonymised (claims/services/retention.py).
        from . import retention, signals  # noqa: F401
