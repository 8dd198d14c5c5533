"""What every template may print: whether the page is shared by signed-in readers."""

from core.fragments import CSRF_MARK


def shared_page(request) -> dict:
    """On a stored page (core.microcache.reader_page_cache: shared, or a reader's own) the
    header and `{% csrf_token %}` print marks that each request fills for the reader."""
    if getattr(request, "shared_page", False) or getattr(request, "own_page", False):
        return {"shared_page": True, "csrf_token": CSRF_MARK}
    if getattr(request, "personal_render", False):  # a reader's fragment, stored (core.personal)
        return {"csrf_token": CSRF_MARK}
    return {}
