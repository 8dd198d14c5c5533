"""Catalog sections on pages owned by `core` (registered in CatalogConfig.ready)."""

from django.template.loader import render_to_string

from catalog import selectors


def popular_books_panel(request, obj=None) -> str:
    """Visitors only: a signed-in reader gets their own recommendations in this place."""
    if request.user.is_authenticated:
        return ""
    return render_to_string("catalog/panels/popular_books.html", {"books": selectors.popular_books()}, request=request)
