"""Pagination of the API: page numbers for every list, under the site's policy
(core.pagination): `?page=` (alias `?pagina=`), a bad number is page 1, past the end is
the last page — never a 404."""

from django.conf import settings
from django.core.paginator import Paginator
from rest_framework import pagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.pagination import PAGE_ALIAS, PAGE_PARAM, page_number, requested_page


class ClampingPaginator(Paginator):
    def validate_number(self, number) -> int:
        return min(page_number(number), self.num_pages)


def page_link(request, number: int) -> str:
    """A link to page `number` of this list, under the API's own parameter name."""
    url = remove_query_param(request.build_absolute_uri(), PAGE_PARAM)
    if number <= 1:
        return remove_query_param(url, PAGE_ALIAS)
    return replace_query_param(url, PAGE_ALIAS, number)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = settings.CATALOG_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_param = PAGE_ALIAS
    django_paginator_class = ClampingPaginator

    def get_page_number(self, request, paginator) -> int:
        return requested_page(request.query_params)

    def get_next_link(self) -> str | None:
        return page_link(self.request, self.page.next_page_number()) if self.page.has_next() else None

    def get_previous_link(self) -> str | None:
        return page_link(self.request, self.page.previous_page_number()) if self.page.has_previous() else None


class CachedPagePagination(PageNumberPagination):
    """Debate lists and threads come as cached pages of a fixed size from the debates selectors."""

    page_size_query_param = None

    def paginated_data(self, request, page, results) -> dict:
        return {
            "count": page.count,
            "next": page_link(request, page.number + 1) if page.has_next else None,
            "previous": page_link(request, page.number - 1) if page.has_previous else None,
            "results": results,
        }
