import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The models moved here from `debates` with their tables (`debates_*`, named in each Meta):
# the state is created here, the rows never move. debates 0010 dropped them from its state.
MODELS = ("debatesuspension", "moderationaction", "postreport", "reviewreport")


def move_content_types(apps, schema_editor, source="debates", target="moderation"):
    """Content types (and so permissions and admin log entries) follow the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="moderation", target="debates")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0006_review_edit_history'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('debates', '0010_moderation_moved_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DebateSuspension',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('until', models.DateTimeField(blank=True, null=True, verbose_name='até')),
                        ('reason', models.CharField(max_length=300, verbose_name='motivo')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='criada em')),
                        ('suspended_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='debate_suspension', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'suspensão nos debates',
                        'verbose_name_plural': 'suspensões nos debates',
                        'db_table': 'debates_debatesuspension',
                    },
                ),
                migrations.CreateModel(
                    name='ModerationAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('hide', 'ocultou'), ('restore', 'restaurou'), ('dismiss', 'descartou denúncias de'), ('pin', 'fixou'), ('unpin', 'desafixou'), ('lock', 'trancou'), ('unlock', 'destrancou'), ('suspend', 'suspendeu'), ('unsuspend', 'removeu a suspensão de')], max_length=20, verbose_name='ação')),
                        ('target_type', models.CharField(choices=[('post', 'mensagem'), ('review', 'resenha'), ('topic', 'debate'), ('user', 'leitor')], max_length=20, verbose_name='tipo do item')),
                        ('target_id', models.PositiveBigIntegerField(verbose_name='id do item')),
                        ('reason', models.CharField(blank=True, max_length=300, verbose_name='motivo')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='quando')),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='moderador')),
                    ],
                    options={
                        'verbose_name': 'ação de moderação',
                        'verbose_name_plural': 'ações de moderação',
                        'db_table': 'debates_moderationaction',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['target_type', 'target_id', '-created_at'], name='debates_modaction_target_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='PostReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('spam', 'Spam ou propaganda'), ('offensive', 'Ofensiva ou abusiva'), ('spoiler', 'Spoiler sem aviso'), ('off_topic', 'Fora do tema'), ('other', 'Outro motivo')], max_length=20, verbose_name='motivo')),
                        ('text', models.TextField(blank=True, max_length=1000, verbose_name='detalhes')),
                        ('status', models.CharField(choices=[('open', 'aberta'), ('resolved', 'resolvida'), ('dismissed', 'descartada')], default='open', max_length=10, verbose_name='situação')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='criada em')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolvida em')),
                        ('post', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='debates.debatepost')),
                        ('reporter', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'denúncia',
                        'verbose_name_plural': 'denúncias',
                        'db_table': 'debates_postreport',
                        'indexes': [models.Index(condition=models.Q(('status', 'open')), fields=['created_at', 'id'], name='debates_report_open_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('reporter', 'post'), name='debates_report_one_open_per_reporter')],
                    },
                ),
                migrations.CreateModel(
                    name='ReviewReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('spam', 'Spam ou propaganda'), ('offensive', 'Ofensiva ou abusiva'), ('spoiler', 'Spoiler sem aviso'), ('off_topic', 'Fora do tema'), ('other', 'Outro motivo')], max_length=20, verbose_name='motivo')),
                        ('text', models.TextField(blank=True, max_length=1000, verbose_name='detalhes')),
                        ('status', models.CharField(choices=[('open', 'aberta'), ('resolved', 'resolvida'), ('dismissed', 'descartada')], default='open', max_length=10, verbose_name='situação')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='criada em')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolvida em')),
                        ('reporter', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='accounts.bookreview')),
                    ],
                    options={
                        'verbose_name': 'denúncia de resenha',
                        'verbose_name_plural': 'denúncias de resenhas',
                        'db_table': 'debates_reviewreport',
                        'indexes': [models.Index(condition=models.Q(('status', 'open')), fields=['created_at', 'id'], name='debates_reviewreport_open_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('reporter', 'review'), name='debates_reviewreport_one_open_per_reporter')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
