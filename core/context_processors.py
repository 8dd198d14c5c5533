"""What every template may print: whether the page is shared by signed-in readers."""

from core.fragments import CSRF_MARK


def shared_page(request) -> dict:
    """On a shared page (core.microcache.reader_page_cache) `{% csrf_token %}` prints a mark
    that each request replaces with the reader's own token."""
    if getattr(request, "shared_page", False):
        return {"shared_page": True, "csrf_token": CSRF_MARK}
    if getattr(request, "personal_render", False):  # a reader's fragment, stored (core.personal)
        return {"csrf_token": CSRF_MARK}
    return {}
