"""Test clients for the pages signed-in readers share (core.microcache.reader_page_cache)."""

from django.test import Client


def signed_in(user, *, enforce_csrf_checks: bool = True) -> Client:
    """A client signed in as `user`; by default it checks CSRF tokens as a browser's form posts are."""
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client
