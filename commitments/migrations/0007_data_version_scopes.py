from django.db import migrations, models


def create_counters(apps, schema_editor):
    DataVersion = apps.get_model("commitments", "DataVersion")
    for scope in ("public", "workspace"):
        DataVersion.objects.get_or_create(scope=scope, defaults={"version": 0})


class Migration(migrations.Migration):
    """One counter per scope (commitments/data_version.py) instead of one for everything."""

    dependencies = [
        ("commitments", "0006_reminder_run"),
    ]

    operations = [
        migrations.DeleteModel(name="DataVersion"),
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "scope",
                    models.CharField(
                        max_length=20, primary_key=True, serialize=False, verbose_name="scope"
                    ),
                ),
                ("version", models.BigIntegerField(default=0, verbose_name="data version")),
            ],
            options={
                "verbose_name": "data version",
                "verbose_name_plural": "data versions",
            },
        ),
        migrations.RunPython(create_counters, migrations.RunPython.noop),
    ]
