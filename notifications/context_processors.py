"""`notifications_unread` for the header: counted only if a template prints it."""

from functools import cached_property

from notifications import panels, selectors


class UnreadCount:
    """Lazy unread counter: no read for visitors, one cached read for a signed-in reader."""

    def __init__(self, request):
        self._request = request

    @cached_property
    def value(self) -> int:
        user = getattr(self._request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return panels.reader_unread_count(self._request)

    def __bool__(self) -> bool:
        return self.value > 0

    def __int__(self) -> int:
        return self.value

    def __str__(self) -> str:
        return f"{selectors.UNREAD_CAP}+" if self.value > selectors.UNREAD_CAP else str(self.value)


def unread_count(request) -> dict:
    return {"notifications_unread": UnreadCount(request)}
