from django.db import migrations, models

INDEX = "commitment_search_grams_idx"


def fill_grams(apps, schema_editor):
    """Give every existing commitment its bigrams (commitments/search.py)."""
    from commitments.search import text_grams

    Commitment = apps.get_model("commitments", "Commitment")
    changed = []
    rows = Commitment.objects.select_related("reply__proposal").only(
        "title", "promised_text", "reply__proposal__title"
    )
    for commitment in rows.iterator(chunk_size=2000):
        commitment.search_grams = text_grams(
            commitment.title, commitment.promised_text, commitment.reply.proposal.title
        )
        changed.append(commitment)
        if len(changed) >= 2000:
            Commitment.objects.bulk_update(changed, ["search_grams"])
            changed = []
    Commitment.objects.bulk_update(changed, ["search_grams"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON commitments_commitment "
            "USING gin (search_grams jsonb_path_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0009_request_count")]

    operations = [
        migrations.AddField(
            model_name="commitment",
            name="search_grams",
            field=models.JSONField(
                blank=True, default=list, editable=False, verbose_name="search grams"
            ),
        ),
        migrations.RunPython(fill_grams, migrations.RunPython.noop),
        # GIN over jsonb exists on PostgreSQL only; SQLite keeps the plain scan.
        migrations.RunPython(create_index, drop_index),
    ]
