from django.db import migrations

# What making a commitment's bigram array costs, told to PostgreSQL (migration 0017). Left at the
# default for a SQL function (100), PostgreSQL counted the first 1,001 matches of a bigram held
# by half the commitments, such as 提案, by making the array for every row it read (10 µs each:
# 21 ms at 100,000 commitments) rather than from the array's index (6 ms). 400 puts the planned
# cost of a row where its time is, measured against reading a row and testing its JSON (1.4 µs).
# PostgreSQL only.


def declare(cost):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER FUNCTION tracker_gram_array(jsonb) COST {cost}")

    return run


class Migration(migrations.Migration):
    dependencies = [("commitments", "0017_commitment_gram_array")]

    operations = [migrations.RunPython(declare(400), declare(100))]
