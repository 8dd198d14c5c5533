from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "e2e"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots of the journey land here (kept out of git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
