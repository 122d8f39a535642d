import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models

import commitments.models


def copy_sessions(apps, schema_editor):
    """Fill Commitment.session, the copy of reply.proposal.session, for existing rows."""
    Commitment = apps.get_model("commitments", "Commitment")
    Reply = apps.get_model("commitments", "Reply")
    session = Reply.objects.filter(pk=models.OuterRef("reply")).values("proposal__session")
    Commitment.objects.update(session=models.Subquery(session))


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0003_data_version"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="commitment",
            name="commitments_status_2bf46c_idx",
        ),
        migrations.RemoveIndex(
            model_name="commitment",
            name="commitments_current_da96bd_idx",
        ),
        migrations.RemoveIndex(
            model_name="commitment",
            name="commitments_last_pu_c36ce4_idx",
        ),
        migrations.AddField(
            model_name="commitment",
            name="session",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="commitments.session",
                verbose_name="session",
            ),
        ),
        migrations.RunPython(copy_sessions, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="commitment",
            index=commitments.models.SortIndex(
                models.OrderBy(models.F("last_published_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("reply"), descending=True),
                models.F("position"),
                name="commitment_recent_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=commitments.models.SortIndex(
                models.F("status"),
                models.OrderBy(models.F("last_published_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("reply"), descending=True),
                models.F("position"),
                name="commitment_status_recent_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=commitments.models.SortIndex(
                models.OrderBy(models.F("current_target_date"), nulls_last=True),
                models.OrderBy(models.F("reply"), descending=True),
                models.F("position"),
                name="commitment_target_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                models.Case(
                    models.When(status="not_assessed", then=models.Value(0)),
                    models.When(status="not_started", then=models.Value(1)),
                    models.When(status="on_track", then=models.Value(2)),
                    models.When(status="challenges", then=models.Value(3)),
                    models.When(status="stalled", then=models.Value(4)),
                    models.When(status="ongoing", then=models.Value(5)),
                    models.When(status="completed", then=models.Value(6)),
                    models.When(status="completed_modified", then=models.Value(7)),
                    models.When(status="not_pursued", then=models.Value(8)),
                    default=models.Value(9),
                ),
                models.OrderBy(models.F("reply"), descending=True),
                models.F("position"),
                name="commitment_rank_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ("completed", "completed_modified", "not_pursued")),
                    _negated=True,
                ),
                fields=["current_target_date"],
                name="commitment_open_target_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce(
                    models.F("last_published_at"), models.F("created_at")
                ),
                condition=models.Q(
                    ("status__in", ("completed", "completed_modified", "not_pursued")),
                    _negated=True,
                ),
                name="commitment_open_activity_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(
                condition=models.Q(("state", "submitted")),
                fields=["submitted_at"],
                name="update_submitted_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(
                condition=models.Q(("state__in", ["draft", "returned"])),
                fields=["state", "-updated_at"],
                name="update_state_edited_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(fields=["-as_of", "-created_at", "-id"], name="update_recent_idx"),
        ),
        migrations.AddIndex(
            model_name="reply",
            index=models.Index(fields=["-reply_date", "-id"], name="reply_recent_idx"),
        ),
    ]
