# Per-item privacy: reviews and shelves become public / unlisted / private.
# Private reviews stay private; a profile whose shelves were private gets a private
# setting for each of its shelves, so nothing private becomes visible on upgrade.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

VISIBILITY_CHOICES = [('public', 'Pública'), ('unlisted', 'Só com o link'), ('private', 'Privada')]
STANDARD_SHELVES = ['want_to_read', 'reading', 'read', 'favorites', 'abandoned']


def carry_over_privacy(apps, schema_editor):
    BookReview = apps.get_model('accounts', 'BookReview')
    BookShelf = apps.get_model('accounts', 'BookShelf')
    Profile = apps.get_model('accounts', 'Profile')
    ShelfVisibility = apps.get_model('accounts', 'ShelfVisibility')
    BookReview.objects.filter(is_public=False).update(visibility='private')
    private_owners = list(Profile.objects.filter(shelves_public=False).values_list('user_id', flat=True))
    rows = [ShelfVisibility(user_id=user_id, shelf_type=kind, visibility='private')
            for user_id in private_owners for kind in STANDARD_SHELVES]
    custom = BookShelf.objects.filter(user_id__in=private_owners, shelf_type='custom')
    rows += [ShelfVisibility(user_id=user_id, shelf_type='custom', custom_name=name, visibility='private')
             for user_id, name in custom.values_list('user_id', 'custom_name').distinct()]
    ShelfVisibility.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def restore_flags(apps, schema_editor):
    BookReview = apps.get_model('accounts', 'BookReview')
    Profile = apps.get_model('accounts', 'Profile')
    ShelfVisibility = apps.get_model('accounts', 'ShelfVisibility')
    BookReview.objects.exclude(visibility='public').update(is_public=False)
    hidden = ShelfVisibility.objects.exclude(visibility='public').values('user_id')
    Profile.objects.filter(user_id__in=hidden).update(shelves_public=False)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_shelf_user_index_covered'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ShelfVisibility',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('shelf_type', models.CharField(max_length=20, verbose_name='estante')),
                ('custom_name', models.CharField(blank=True, max_length=60, verbose_name='nome da estante')),
                ('visibility', models.CharField(choices=VISIBILITY_CHOICES, max_length=10, verbose_name='visibilidade')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shelf_visibilities', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'visibilidade de estante',
                'verbose_name_plural': 'visibilidades de estantes',
                'constraints': [models.UniqueConstraint(fields=('user', 'shelf_type', 'custom_name'), name='accounts_shelfvis_unique')],
            },
        ),
        migrations.AddField(
            model_name='bookreview',
            name='visibility',
            field=models.CharField(choices=VISIBILITY_CHOICES, default='public', max_length=10, verbose_name='visibilidade'),
        ),
        migrations.RunPython(carry_over_privacy, restore_flags),
        migrations.RemoveIndex(model_name='bookreview', name='accounts_review_book_idx'),
        migrations.RemoveField(model_name='bookreview', name='is_public'),
        migrations.RemoveField(model_name='profile', name='shelves_public'),
        migrations.AddIndex(
            model_name='bookreview',
            index=models.Index(condition=models.Q(('visibility', 'public')), fields=['book', '-helpful_count', '-created_at'], name='accounts_review_book_idx'),
        ),
    ]
