from django.db import migrations

# The commitments' bigrams for counting a search's matches, each marked with its commitment's
# bucket of 32,768 ids (`电梯#3`), in place of the plain array of migration 0017. A GIN index
# answers a lookup by first building the set of every row that holds the bigram: counting the
# first 1,001 of the 81,000 commitments that hold 推进 at 300,000 commitments took 13 ms, and grew
# with the table. Asked for the newest two buckets first, then the older ones, in a statement
# that stops at the 1,001st match (CommitmentQuerySet.search_ids), a common word is counted from
# at most 65,536 commitments' entries (推进: 4.3 ms at 300,000 where the plain array took 16-22,
# side by side; 3.4 ms at 100,000). The shift (15) is commitments/search.py's GRAM_BUCKET_BITS.
# COST 400: what making the array costs a row, as migration 0018 says of the plain one.
# PostgreSQL only; SQLite keeps the plain scan.
FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_gram_buckets(jsonb, bigint) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT COST 400 AS $$
    SELECT CASE WHEN jsonb_typeof($1) = 'array'
        THEN ARRAY(SELECT gram || '#' || ($2 >> 15) FROM jsonb_array_elements_text($1) AS gram)
        ELSE '{}'::text[] END
$$
"""
INDEX = (
    "CREATE INDEX IF NOT EXISTS commitment_gram_bucket_idx "
    "ON commitments_commitment USING gin (tracker_gram_buckets(search_grams, id))"
)
PLAIN_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_gram_array(jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT COST 400 AS $$
    SELECT CASE WHEN jsonb_typeof($1) = 'array'
        THEN ARRAY(SELECT jsonb_array_elements_text($1))
        ELSE '{}'::text[] END
$$
"""
PLAIN_INDEX = (
    "CREATE INDEX IF NOT EXISTS commitment_gram_array_idx "
    "ON commitments_commitment USING gin (tracker_gram_array(search_grams))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(INDEX)
        schema_editor.execute("DROP INDEX IF EXISTS commitment_gram_array_idx")
        schema_editor.execute("DROP FUNCTION IF EXISTS tracker_gram_array(jsonb)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PLAIN_FUNCTION)
        schema_editor.execute(PLAIN_INDEX)
        schema_editor.execute("DROP INDEX IF EXISTS commitment_gram_bucket_idx")
        schema_editor.execute("DROP FUNCTION IF EXISTS tracker_gram_buckets(jsonb, bigint)")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0018_gram_array_cost")]

    operations = [migrations.RunPython(create, drop)]
