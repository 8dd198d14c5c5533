from django.db import migrations

# Reports, suspensions and the audit trail moved to the `moderation` app. Their tables stay
# as they are (moderation's models keep the `debates_*` names): only Django's state changes,
# no row moves (moderation 0001 takes them over in the state).


class Migration(migrations.Migration):
    dependencies = [
        ("debates", "0009_post_depth"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DebateSuspension"),
                migrations.DeleteModel(name="ModerationAction"),
                migrations.DeleteModel(name="PostReport"),
                migrations.DeleteModel(name="ReviewReport"),
            ],
            database_operations=[],
        ),
    ]
