from django.db import migrations

# Proposal titles' bigrams, for searches that also look in the proposal's title
# (CommitmentQuerySet.search): a GIN index over an immutable SQL function of the title, so no
# column to keep. Case is not folded: only terms without letters that have case use it
# (commitments/search.py). PostgreSQL only; SQLite keeps the plain scan.
FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT coalesce(array_agg(DISTINCT substr($1, i, 2)), '{}')
    FROM generate_series(1, char_length($1) - 1) AS i
$$
"""
INDEX = (
    "CREATE INDEX IF NOT EXISTS proposal_title_grams_idx "
    "ON commitments_proposal USING gin (tracker_bigrams(title))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS proposal_title_grams_idx")
        schema_editor.execute("DROP FUNCTION IF EXISTS tracker_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0013_commitment_counts")]

    operations = [migrations.RunPython(create, drop)]
