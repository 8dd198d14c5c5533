"""A slow, idempotent test task: it logs each attempt, then records its effect once per key."""

import time

from django.db import connection

from core.jobs import task

ATTEMPTS = "reliability_task_attempt"
EFFECTS = "reliability_task_effect"


def create_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {ATTEMPTS} (key text NOT NULL, at timestamptz DEFAULT now())")
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {EFFECTS} (key text PRIMARY KEY, at timestamptz DEFAULT now())")


def drop_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ATTEMPTS}, {EFFECTS}")


@task(name="reliability.mark_once")
def mark_once(key: str, seconds: float) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {ATTEMPTS} (key) VALUES (%s)", [key])  # autocommit: survives a kill
        time.sleep(seconds)
        # The unique key makes a second complete run a no-op: the effect happens once.
        cursor.execute(f"INSERT INTO {EFFECTS} (key) VALUES (%s) ON CONFLICT (key) DO NOTHING", [key])
    return key
