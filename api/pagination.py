"""Pagination of the API: page numbers for every list."""

from django.conf import settings
from rest_framework import pagination
from rest_framework.utils.urls import replace_query_param


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = settings.CATALOG_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100


class CachedPagePagination(PageNumberPagination):
    """Debate lists and threads come as cached pages of a fixed size from the debates selectors."""

    page_size_query_param = None

    def paginated_data(self, request, page, results) -> dict:
        url = request.build_absolute_uri()
        return {
            "count": page.count,
            "next": replace_query_param(url, self.page_query_param, page.number + 1) if page.has_next else None,
            "previous": (
                replace_query_param(url, self.page_query_param, page.number - 1) if page.has_previous else None
            ),
            "results": results,
        }
