# ListedCommitment, an organisation's commitments in the list's default order, and on PostgreSQL
# the triggers that keep it, filled from the commitments (commitments/organisation_lists.py).

import commitments.models.base
import django.db.models.deletion
from django.db import migrations, models


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from commitments.organisation_lists import trigger_sql

    create, _drop = trigger_sql()
    for statement in create:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from commitments.organisation_lists import trigger_sql

    _create, drop = trigger_sql()
    for statement in drop:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0014_proposal_title_grams"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListedCommitment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "last_published_at",
                    models.DateTimeField(null=True, verbose_name="last published"),
                ),
                ("position", models.PositiveSmallIntegerField(verbose_name="position")),
                (
                    "commitment",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.commitment",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.organisation",
                    ),
                ),
                (
                    "reply",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.reply",
                    ),
                ),
            ],
            options={
                "verbose_name": "listed commitment",
                "verbose_name_plural": "listed commitments",
                "indexes": [
                    commitments.models.base.SortIndex(
                        models.F("organisation"),
                        models.OrderBy(
                            models.F("last_published_at"), descending=True, nulls_last=True
                        ),
                        models.OrderBy(models.F("reply"), descending=True),
                        models.F("position"),
                        include=("commitment",),
                        name="listed_commitment_order_idx",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
