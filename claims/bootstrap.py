"""Reference data every installation needs: the role groups and the Algemene termijnenwet days.
Run by migration 0002 and again after every migrate or flush (tests), so it is always there."""

from django.apps import apps as global_apps

from . import roles

HOLIDAY_YEARS = (2020, 2060)


def ensure_reference_data(apps=global_apps) -> None:
    from .holiday_data import load_years

    group = apps.get_model("auth", "Group")
    for name in roles.ALL_ROLES:
        group.objects.get_or_create(name=name)
    load_years(*HOLIDAY_YEARS, model=apps.get_model("claims", "StatutoryHoliday"))


def on_post_migrate(sender, apps=global_apps, **kwargs) -> None:
    ensure_reference_data(apps)
