"""Checks the scalability foundation end to end and prints a table; exit 1 if anything fails."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.health import probe_broker, probe_cache
from core.jobs import outbox_backlog
from core.replica import replica_status
from core.warmup import hot_page_urls

# Hot pages and the most queries each may run with a warm cache.
HOT_PAGE_QUERY_BUDGET = 5
# The drain publishes the outbox every minute: an older task means it cannot (docs/operations.md).
OUTBOX_MAX_AGE_SECONDS = 5 * 60


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


class Command(BaseCommand):
    help = "Verifica cache, sessões, Celery, agendamentos, limites, índices, conexões e consultas das páginas quentes."

    def add_arguments(self, parser):
        parser.add_argument("--skip-worker", action="store_true", help="Não exige um worker Celery ativo.")

    def handle(self, *args, skip_worker=False, **options):
        checks = [
            self.check_cache(),
            self.check_sessions(),
            *([] if skip_worker else [self.check_worker()]),
            self.check_beat(),
            self.check_outbox(),
            self.check_rate_limits(),
            self.check_indexes(),
            self.check_connections(),
            *self.check_replica(),
            *self.check_hot_pages(),
        ]
        width = max(len(c.name) for c in checks)
        for check in checks:
            mark = self.style.SUCCESS("OK  ") if check.ok else self.style.ERROR("FAIL")
            self.stdout.write(f"{mark} {check.name.ljust(width)}  {check.detail}")
        failed = [c.name for c in checks if not c.ok]
        if failed:
            raise CommandError(f"{len(failed)} verificação(ões) falharam: {', '.join(failed)}")
        self.stdout.write(self.style.SUCCESS(f"Todas as {len(checks)} verificações passaram."))

    def check_cache(self) -> Check:
        probe = probe_cache()
        is_redis = "redis" in settings.CACHES["default"]["BACKEND"].lower()
        detail = f"{probe.detail} ({probe.latency_ms} ms)"
        return Check("Redis: set/get", probe.ok and is_redis, detail if is_redis else f"{detail}; não é Redis")

    def check_sessions(self) -> Check:
        ok = settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
        return Check("Sessões cached_db", ok, settings.SESSION_ENGINE)

    def check_worker(self) -> Check:
        from cgbookstore.celery import app
        from core.tasks import ping

        broker = probe_broker()
        if not broker.ok:
            return Check("Celery: worker", False, f"broker: {broker.detail}")
        replies = app.control.ping(timeout=2.0)
        if not replies:
            return Check("Celery: worker", False, "nenhum worker respondeu ao ping")
        try:
            result = ping.delay().get(timeout=15)
        except Exception as exc:
            return Check("Celery: worker", False, f"tarefa de teste falhou: {exc}")
        return Check("Celery: worker", result == "pong", f"{len(replies)} worker(s); tarefa de teste: {result}")

    def check_beat(self) -> Check:
        from django_celery_beat.models import PeriodicTask

        configured = set(settings.CELERY_BEAT_SCHEDULE)
        in_db = set(PeriodicTask.objects.filter(enabled=True).values_list("name", flat=True))
        missing = configured - in_db
        detail = f"{len(configured)} agendadas em settings; {len(in_db)} no banco"
        if missing:
            detail += f" (o beat ainda não gravou: {', '.join(sorted(missing))})"
        return Check("Celery beat", bool(configured), detail)

    def check_outbox(self) -> Check:
        count, age = outbox_backlog()
        detail = f"{count} tarefa(s) aguardando o broker; a mais antiga há {age:.0f} s"
        return Check("Outbox de tarefas", age <= OUTBOX_MAX_AGE_SECONDS, detail)

    def check_rate_limits(self) -> Check:
        shared = "redis" in settings.CACHES["default"]["BACKEND"].lower()
        limits = ", ".join(f"{name}={rate}" for name, rate in settings.RATELIMITS.items())
        return Check("Limites de requisição", bool(settings.RATELIMITS) and shared, limits)

    def check_indexes(self) -> Check:
        expected = {
            index.name
            for model in apps.get_models()
            if model._meta.app_config.name in settings.LOCAL_APPS
            for index in model._meta.indexes
        }
        if connection.vendor == "postgresql":
            expected.add("catalog_book_search_gin")
        with connection.cursor() as cursor:
            present = {
                name
                for table in connection.introspection.table_names(cursor)
                for name in connection.introspection.get_constraints(cursor, table)
            }
        missing = sorted(expected - present)
        return Check(
            "Índices",
            not missing,
            f"{len(expected) - len(missing)}/{len(expected)} presentes"
            + (f"; faltam: {', '.join(missing)}" if missing else ""),
        )

    def check_connections(self) -> Check:
        db = settings.DATABASES["default"]
        if connection.vendor != "postgresql":
            return Check("Conexões PostgreSQL", False, f"banco {connection.vendor}, não PostgreSQL")
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            timeout = cursor.fetchone()[0]
        options = db.get("OPTIONS", {})
        ok = db.get("CONN_MAX_AGE", 0) > 0 and db.get("CONN_HEALTH_CHECKS") and timeout not in ("0", "0ms")
        detail = (
            f"CONN_MAX_AGE={db.get('CONN_MAX_AGE')} health_checks={db.get('CONN_HEALTH_CHECKS')} "
            f"connect_timeout={options.get('connect_timeout')} statement_timeout={timeout}"
        )
        return Check("Conexões PostgreSQL", bool(ok), detail)

    def check_replica(self) -> list[Check]:
        """Only where a replica is configured: reachable and within the lag bound."""
        status = replica_status()
        if not status["configured"]:
            return []
        detail = f"estado={status['state']} atraso={status['lag_seconds']} s (máximo {status['max_lag_seconds']} s)"
        return [Check("Réplica de leitura", status["serving_reads"], detail)]

    def check_hot_pages(self) -> list[Check]:
        """Each hot page requested twice; the second (warm cache) must stay within budget."""
        checks = []
        client = Client()
        for name, url in [("início", reverse("core:home")), *hot_page_urls()]:
            client.get(url)  # warm
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            ok = response.status_code == 200 and len(queries) <= HOT_PAGE_QUERY_BUDGET
            detail = f"{url} → HTTP {response.status_code}, {len(queries)} consultas (limite {HOT_PAGE_QUERY_BUDGET})"
            checks.append(Check(f"Página: {name}", ok, detail))
        return checks
