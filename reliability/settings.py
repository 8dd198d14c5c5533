"""The project's settings for the fault tests' worker: a test-only task and quick redelivery.

Production never imports this module.
"""

from cgbookstore.settings import *  # noqa: F403

CELERY_IMPORTS = ["reliability.tasks"]
# A message whose worker died unacknowledged goes back to the queue after this many seconds
# (production keeps kombu's hour, longer than any task's time limit).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3, "unacked_restore_interval": 1}
# Soak traffic posts far faster than a person; the flood interval is tested in the debates app.
DEBATES_POST_MIN_INTERVAL_SECONDS = 0
