"""The home-feed scenario: each logged-in bench reader follows FOLLOWED other readers, and the
wrk ratios (bench/ratios.py) get a row for the feed page (`/social/`) beside the ceiling.

`prepare` runs in `bench.probe fixtures` (Django is set up there): the follows are
bulk-written once per bench database (ignore_conflicts). The row's READERS sessions load
their feed once before the run (`warm`), so wrk measures returning readers whose Redis feed
exists, not the one-off rebuild.
"""

import random
import urllib.request

FOLLOWED = 200
READERS = 200  # sessions that load their feed in the wrk row: returning readers, feeds warm

PAGE = "home feed, following 200"
PATH = "/social/"


def prepare(usernames: list[str], *, followed: int = FOLLOWED, seed: int = 11) -> int:
    """Make each of `usernames` follow `followed` random demo readers; returns the follows written."""
    from django.contrib.auth import get_user_model

    from social.models import Follow
    from social.services import social_counts_reconcile

    rng = random.Random(seed)
    users = get_user_model().objects.filter(username__startswith="leitor", is_active=True)
    everyone = list(users.values_list("pk", flat=True))
    readers = list(users.filter(username__in=usernames).values_list("pk", flat=True))
    follows = []
    for reader in readers:
        others = [pk for pk in everyone if pk != reader]
        follows += [
            Follow(follower_id=reader, followee_id=other) for other in rng.sample(others, min(followed, len(others)))
        ]
    Follow.objects.bulk_create(follows, batch_size=5000, ignore_conflicts=True)
    social_counts_reconcile()
    return len(follows)


def add_row(rows: list, fixtures: dict) -> None:
    """Add the feed page's row to a ratios plan's pages (logged in only: anonymous readers
    have no feed)."""
    if fixtures.get("feed"):
        rows.append((PAGE + " (logged in)", "site", fixtures["feed"], True))


def warm(base_url: str, cookies: list[str], path: str = PATH) -> list[str]:
    """Load `path` once per session, as a returning reader has (for the feed: each builds its
    Redis feed); returns the READERS sessions the row uses."""
    chosen = cookies[:READERS]
    for cookie in chosen:
        request = urllib.request.Request(base_url + path, headers={"Cookie": cookie})
        try:
            urllib.request.urlopen(request, timeout=30).close()
        except OSError:
            pass  # the wrk run counts what fails
    return chosen
