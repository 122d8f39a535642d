from django.db import migrations, models


def create_counter(apps, schema_editor):
    apps.get_model("commitments", "DataVersion").objects.get_or_create(
        id=1, defaults={"version": 0}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0002_workspace"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=0, verbose_name="data version")),
            ],
            options={
                "verbose_name": "data version",
                "verbose_name_plural": "data version",
            },
        ),
        migrations.RunPython(create_counter, migrations.RunPython.noop),
    ]
