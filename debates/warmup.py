"""Cache warming and hot-page URLs of the debates (registered in DebatesConfig.ready)."""

from django.urls import reverse

from debates import selectors


def warm() -> int:
    """Fill what is missing: the first list page and the first page of its topics."""
    page = selectors.topic_list_page(page_number=1)
    rows = page.rows if page else []
    for row in rows:
        selectors.topic_post_page(topic_id=row.id)
    return 1 + len(rows)


def topic_list_url() -> str:
    return reverse("debates:topic_list")


def hot_topic_url() -> str | None:
    page = selectors.topic_list_page(page_number=1)
    return reverse("debates:topic_detail", kwargs={"slug": page.rows[0].slug}) if page and page.rows else None
