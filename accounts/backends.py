"""Signing in with Django's model backend; the signed-in user of each request comes from the cache."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from core.cache import cached, delete_on_commit
from core.personal import user_cache_key


def forget_user(pk) -> None:
    """Drop the cached user once the transaction commits (any save: login, password, staff...)."""
    delete_on_commit(user_cache_key(pk))


class CachedModelBackend(ModelBackend):
    """Every signed-in request loads its user: one cache read instead of a query (on a shared
    page, in the round trip that reads the page: core.personal.read_for_page). The entry is
    dropped whenever the user row is saved or deleted (accounts.signals), so a password
    change, a suspension or a new username counts on the very next request."""

    def get_user(self, user_id):
        user = cached(user_cache_key(user_id), lambda: _load(user_id), timeout=cache.default_timeout)
        return user if user is not None and self.user_can_authenticate(user) else None


def _load(user_id):
    """The user row (None if gone). SQL: on a cold cache every signed-in request reads it, and
    compiling the ORM's query cost twice as much CPU as running it."""
    user_model = get_user_model()
    columns = ", ".join(field.column for field in user_model._meta.concrete_fields)
    sql = f"SELECT {columns} FROM {user_model._meta.db_table} WHERE {user_model._meta.pk.column} = %s"
    return next(iter(user_model._default_manager.raw(sql, [user_id])), None)
