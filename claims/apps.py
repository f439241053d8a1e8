from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Dossiers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import termijnen  # noqa: F401  (connects the holiday cache signals)
        from .bootstrap import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="claims-reference-data")
