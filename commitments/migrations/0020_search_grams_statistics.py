from django.db import migrations

# A common word's page of a search walks the list's order and tests each commitment's bigrams,
# stopping at the page's 20th match; a rare word's matches are found by the bigram index and
# sorted. PostgreSQL tells them apart by testing the word against a sample of the commitments'
# bigram sets kept by ANALYZE: 101 sets by default, which a word in 1-3% of the commitments often
# missed entirely. It was then taken for a rare word, and all its matches were found and sorted
# (电梯 at 300,000 commitments: 8,000 matches, 22 ms, against 2 ms for the walk). Of the 219 words
# with more than 1,000 matches among 300 searched at 300,000 commitments, 69 were sorted so with
# the default sample; with 301 sets, 13-18 (at 100,000: 31 of 156, then 5-10 of 204). Planning
# such a statement takes 0.2 ms longer; a sample of 1,001 sets took 1.9 ms longer and sorted as
# many. PostgreSQL only; SQLite keeps the plain scan.
STATISTICS = "ALTER TABLE commitments_commitment ALTER COLUMN search_grams SET STATISTICS {}"


def sample_more(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATISTICS.format(300))
        schema_editor.execute("ANALYZE commitments_commitment")


def sample_as_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATISTICS.format(-1))
        schema_editor.execute("ANALYZE commitments_commitment")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0019_commitment_gram_buckets")]

    operations = [migrations.RunPython(sample_more, sample_as_default)]
