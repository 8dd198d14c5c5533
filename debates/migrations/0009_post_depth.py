from django.db import migrations, models


def fill_depth(apps, schema_editor):
    """Each reply one level below its parent, a level per UPDATE (top-level posts stay 0).
    Levels past the positive small integer range stop there (only an attack nests so deep)."""
    DebatePost = apps.get_model("debates", "DebatePost")
    level = 0
    while level < 32000 and DebatePost.objects.filter(parent__depth=level, depth=0).exists():
        DebatePost.objects.filter(parent__depth=level, depth=0).update(depth=level + 1)
        level += 1


class Migration(migrations.Migration):
    dependencies = [
        ("debates", "0008_moderation_audit"),
    ]

    operations = [
        migrations.AddField(
            model_name="debatepost",
            name="depth",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="nível"),
        ),
        migrations.RunPython(fill_depth, migrations.RunPython.noop),
    ]
