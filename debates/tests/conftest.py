import pytest


@pytest.fixture(autouse=True)
def _no_post_interval(settings):
    """Tests post in quick succession; the flood-control tests turn the interval back on."""
    settings.DEBATES_POST_MIN_INTERVAL_SECONDS = 0
