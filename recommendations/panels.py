"""Recommendation sections on the home, book and profile pages (see core.panels)."""

from django.template.loader import render_to_string

from core.cache import depends_on
from recommendations import cache, selectors


def _for_you(request, *, invite: bool = False) -> str:
    items = selectors.user_recommendations(user_id=request.user.pk)
    if not items:
        return ""
    context = {
        "items": [{**item, "reason": selectors.reason_text(item)} for item in items],
        # Nothing drawn from the reader's own books yet: ask what they like.
        "invite": invite and all(item["because"] is None for item in items),
    }
    return render_to_string("recommendations/panels/for_you.html", context, request=request)


def home_panel(request, obj=None) -> str:
    """ "Recomendados para você" for a signed-in reader; anonymous visitors already see the popular list."""
    if not request.user.is_authenticated:
        return ""
    return _for_you(request, invite=True)


def profile_panel(request, profile_user) -> str:
    """The same list on the reader's own profile only (it reveals what they read). Their stored
    profile lives until their list changes (core.microcache's own pages)."""
    if not request.user.is_authenticated or request.user.pk != getattr(profile_user, "pk", None):
        return ""
    depends_on(*cache.panel_namespaces(request.user.pk))
    return _for_you(request)


def book_panel(request, book) -> str:
    books = selectors.similar_books(book_id=book.pk)
    if not books:
        return ""
    return render_to_string("recommendations/panels/similar_books.html", {"books": books})
