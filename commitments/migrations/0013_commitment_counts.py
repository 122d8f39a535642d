import django.db.models.deletion
from django.db import migrations, models

# The open commitments' partial indexes (Commitment.Meta), rebuilt on PostgreSQL to carry the
# columns the overdue and stale counts group by, so those counts are index-only scans
# (commitments/tallies.py). Same names and keys: Django's view of them does not change. SQLite
# has no INCLUDE and keeps them as they are.
OPEN = "NOT (status IN ('completed', 'completed_modified', 'not_pursued'))"
# An index-only scan of an expression index needs the columns of the expression as well.
GROUPS = "lead_organisation_id, session_id, id"
COVERING = {
    "commitment_open_target_idx": f"(current_target_date) INCLUDE ({GROUPS})",
    "commitment_open_activity_idx": (
        f"((COALESCE(last_published_at, created_at))) "
        f"INCLUDE ({GROUPS}, last_published_at, created_at)"
    ),
}


def create_triggers(apps, schema_editor):
    """The triggers that keep CommitmentCount, and its first rows (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from commitments.tallies import trigger_sql

    create, _drop = trigger_sql()
    for statement in create:
        schema_editor.execute(statement)
    for name, key in COVERING.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(
            f"CREATE INDEX {name} ON commitments_commitment {key} WHERE {OPEN}"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from commitments.tallies import trigger_sql

    _create, drop = trigger_sql()
    for statement in drop:
        schema_editor.execute(statement)
    for name, key in COVERING.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        key = key.split(" INCLUDE ")[0]
        schema_editor.execute(f"CREATE INDEX {name} ON commitments_commitment {key} WHERE {OPEN}")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0012_sample_data")]

    operations = [
        migrations.CreateModel(
            name="CommitmentCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=20, verbose_name="status")),
                ("leads", models.BooleanField(verbose_name="leads")),
                ("n", models.IntegerField(verbose_name="change")),
                (
                    "organisation",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.organisation",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.session",
                    ),
                ),
            ],
            options={
                "verbose_name": "commitment count",
                "verbose_name_plural": "commitment counts",
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
