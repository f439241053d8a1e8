from django.db import migrations

ROLES = ("resident", "desk", "caseworker", "expert", "commission", "decision_maker", "coordinator", "finance")
FIRST_YEAR, LAST_YEAR = 2020, 2040


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def load_holidays(apps, schema_editor):
    from claims.holiday_data import load_years

    load_years(FIRST_YEAR, LAST_YEAR, model=apps.get_model("claims", "StatutoryHoliday"))


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(load_holidays, migrations.RunPython.noop),
    ]
