"""Time the fan-out of one activity by a reader with many followers whose feeds are in Redis.

    manage.py feed_fanout_timing --followers 10000            # in this process
    manage.py feed_fanout_timing --followers 10000 --worker   # through the broker and the `feeds` workers

The reader (`fanout-autor`) and their followers (`fanout-00001`…) are created once in bulk and
reused; each follower's feed is built in Redis first (fan-out only writes feeds that exist).
Reports seconds, this process's CPU and Redis' CPU, and checks every feed got the activity.
"""

import json
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.cache import raw_redis
from core.privacy import Visibility
from social import feeds, services, tasks
from social.models import Activity, Follow, SocialSettings

PREFIX = "fanout-"


def _graph(count: int) -> tuple[int, list[int]]:
    User = get_user_model()
    author, _new = User.objects.get_or_create(username=f"{PREFIX}autor")
    names = [f"{PREFIX}{n:05d}" for n in range(1, count + 1)]
    User.objects.bulk_create([User(username=name) for name in names], batch_size=5000, ignore_conflicts=True)
    followers = list(User.objects.filter(username__in=names).values_list("pk", flat=True))
    Follow.objects.bulk_create(
        [Follow(follower_id=pk, followee_id=author.pk) for pk in followers], batch_size=5000, ignore_conflicts=True
    )
    SocialSettings.objects.update_or_create(user=author, defaults={"followers_count": len(followers)})
    return author.pk, followers


def _redis_cpu(client) -> float:
    info = client.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def _holding(client, followers: list[int], activity_id: int) -> int:
    pipe = client.pipeline(transaction=False)
    for pk in followers:
        pipe.zscore(feeds.feed_key(pk), str(activity_id))
    return sum(score is not None for score in pipe.execute())


class Command(BaseCommand):
    help = "Time the fan-out of one activity to N followers' Redis feeds (seconds, CPU)."

    def add_arguments(self, parser):
        parser.add_argument("--followers", type=int, default=10_000)
        parser.add_argument("--worker", action="store_true", help="enqueue on the `feeds` queue and wait for it")
        parser.add_argument("--timeout", type=float, default=120.0)

    def handle(self, *args, followers: int, worker: bool, timeout: float, **options):
        client = raw_redis()
        if client is None or followers < 1:
            raise CommandError("Precisa de Redis (REDIS_URL) e de --followers ≥ 1.")
        if followers >= settings.SOCIAL_FANOUT_MAX_FOLLOWERS:
            raise CommandError("Acima de SOCIAL_FANOUT_MAX_FOLLOWERS o leitor é lido na hora, sem fan-out.")
        author, follower_ids = _graph(followers)
        started = time.perf_counter()
        for pk in follower_ids:
            feeds.feed_store(pk, [])
        built = time.perf_counter() - started
        activity = Activity.objects.create(actor_id=author, verb=Activity.Verb.TOPIC, visibility=Visibility.PUBLIC)
        redis_cpu, cpu, wall = _redis_cpu(client), time.process_time(), time.perf_counter()
        if worker:
            tasks.feeds_fanout.apply_async(args=[[activity.pk]])
            while _holding(client, follower_ids, activity.pk) < len(follower_ids):
                if time.perf_counter() - wall > timeout:
                    raise CommandError("O fan-out não terminou a tempo: há um worker na fila `feeds`?")
                time.sleep(0.05)
        else:
            for entries, user_ids in services.fanout_plan(activity_ids=[activity.pk]):
                for start in range(0, len(user_ids), settings.SOCIAL_FANOUT_CHUNK):
                    feeds.feed_push(user_ids[start : start + settings.SOCIAL_FANOUT_CHUNK], entries)
        figures = {
            "followers": len(follower_ids),
            "via": "worker" if worker else "in-process",
            "chunk": settings.SOCIAL_FANOUT_CHUNK,
            "fanout_seconds": round(time.perf_counter() - wall, 3),
            "process_cpu_seconds": round(time.process_time() - cpu, 3),
            "redis_cpu_seconds": round(_redis_cpu(client) - redis_cpu, 3),
            "feeds_built_seconds": round(built, 3),
            "feeds_holding_it": _holding(client, follower_ids, activity.pk),
            "at": timezone.now().isoformat(timespec="seconds"),
        }
        activity.delete()  # leaves every feed on commit (the removal task)
        self.stdout.write(json.dumps(figures))
