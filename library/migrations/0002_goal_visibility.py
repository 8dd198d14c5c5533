# The reading goal becomes public / unlisted / private; a private goal stays private.

from django.db import migrations, models


def carry_over(apps, schema_editor):
    apps.get_model('library', 'ReadingGoal').objects.filter(is_public=False).update(visibility='private')


def restore(apps, schema_editor):
    apps.get_model('library', 'ReadingGoal').objects.exclude(visibility='public').update(is_public=False)


class Migration(migrations.Migration):

    dependencies = [
        ('library', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='readinggoal',
            name='visibility',
            field=models.CharField(choices=[('public', 'Pública'), ('unlisted', 'Só com o link'), ('private', 'Privada')], default='public', max_length=10, verbose_name='visibilidade'),
        ),
        migrations.RunPython(carry_over, restore),
        migrations.RemoveField(model_name='readinggoal', name='is_public'),
    ]
