# Moderation's tests post in quick succession too: the same interval-free setup as debates'.
from debates.tests.conftest import _no_post_interval  # noqa: F401
