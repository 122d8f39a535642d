# The open commitments' activity index (0013) carries the list's order keys as well, so that the
# list of stale commitments sorts them from that index alone (commitments/filters.py). PostgreSQL
# only, as in 0013: same name and key, Django's view of it does not change.
from django.db import migrations

OPEN = "NOT (status IN ('completed', 'completed_modified', 'not_pursued'))"
KEY = "((COALESCE(last_published_at, created_at)))"
BEFORE = "lead_organisation_id, session_id, id, last_published_at, created_at"
AFTER = f"{BEFORE}, reply_id, position"


def covering(columns):
    def rebuild(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("DROP INDEX IF EXISTS commitment_open_activity_idx")
        schema_editor.execute(
            f"CREATE INDEX commitment_open_activity_idx ON commitments_commitment {KEY} "
            f"INCLUDE ({columns}) WHERE {OPEN}"
        )

    return rebuild


class Migration(migrations.Migration):
    dependencies = [("commitments", "0015_organisation_lists")]

    operations = [migrations.RunPython(covering(AFTER), covering(BEFORE))]
