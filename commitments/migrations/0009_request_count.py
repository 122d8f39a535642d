from django.db import migrations, models


def unlogged_on_postgresql(apps, schema_editor):
    # Counts lost in a crash do not matter, and a write to an unlogged table commits without
    # waiting for the disk: one such write per API request (commitments/throttling.py).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE commitments_requestcount SET UNLOGGED")


def logged_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE commitments_requestcount SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0008_close_the_loop"),
    ]

    operations = [
        migrations.CreateModel(
            name="RequestCount",
            fields=[
                (
                    "client",
                    models.CharField(
                        max_length=80, primary_key=True, serialize=False, verbose_name="client"
                    ),
                ),
                (
                    "period_start",
                    models.BigIntegerField(db_index=True, verbose_name="period start (Unix time)"),
                ),
                ("requests", models.PositiveIntegerField(default=0, verbose_name="requests")),
            ],
            options={
                "verbose_name": "request count",
                "verbose_name_plural": "request counts",
            },
        ),
        migrations.RunPython(unlogged_on_postgresql, logged_on_postgresql),
    ]
