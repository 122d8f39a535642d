from django.db import migrations, models


def admin_for_office_only(apps, schema_editor):
    """Bureau staff and members work in the workspace; only the office keeps the admin."""
    User = apps.get_model("commitments", "User")
    Group = apps.get_model("auth", "Group")
    User.objects.filter(role__in=["staff", "member"], is_superuser=False).update(is_staff=False)
    for group in Group.objects.filter(name__in=["Bureau staff", "Committee members"]):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("commitments", "0004_performance_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="version",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="historicalproposal",
            name="version",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="reply",
            name="version",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="historicalreply",
            name="version",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="version"),
        ),
        migrations.RunPython(admin_for_office_only, migrations.RunPython.noop),
    ]
