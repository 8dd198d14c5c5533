"""Fill the new vote counts, Wilson scores and hot scores of existing rows.

The formulas are copied here (not imported) so this migration keeps meaning what it did
when written; `debates.ranking` holds the live ones.
"""

import math

from django.db import migrations
from django.db.models import Count, Q

BATCH = 2000


def wilson(up, down, z=1.96):
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    return (p + z * z / (2 * n) - z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)) / (1 + z * z / n)


def backfill(apps, schema_editor):
    DebatePost = apps.get_model("debates", "DebatePost")
    DebateTopic = apps.get_model("debates", "DebateTopic")
    posts = (
        DebatePost.objects.filter(votes__isnull=False)
        .distinct()
        .annotate(up=Count("votes", filter=Q(votes__value=1)), down=Count("votes", filter=Q(votes__value=-1)))
    )
    batch = []
    for post in posts.only("id").iterator(chunk_size=BATCH):
        post.upvotes, post.downvotes, post.wilson_score = post.up, post.down, wilson(post.up, post.down)
        batch.append(post)
        if len(batch) >= BATCH:
            DebatePost.objects.bulk_update(batch, ["upvotes", "downvotes", "wilson_score"])
            batch = []
    DebatePost.objects.bulk_update(batch, ["upvotes", "downvotes", "wilson_score"])

    batch = []
    for topic in DebateTopic.objects.only("posts_count", "last_activity_at").iterator(chunk_size=BATCH):
        topic.hot_score = (
            math.log10(max(topic.posts_count, 1)) + (topic.last_activity_at.timestamp() - 1_700_000_000) / 45_000
        )
        batch.append(topic)
        if len(batch) >= BATCH:
            DebateTopic.objects.bulk_update(batch, ["hot_score"])
            batch = []
    DebateTopic.objects.bulk_update(batch, ["hot_score"])


class Migration(migrations.Migration):
    dependencies = [("debates", "0004_moderation_ranking_reads")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
