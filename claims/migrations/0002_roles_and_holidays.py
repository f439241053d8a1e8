from django.db import migrations


def create_reference_data(apps, schema_editor):
    from claims.bootstrap import ensure_reference_data

    ensure_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_reference_data, migrations.RunPython.noop),
    ]
