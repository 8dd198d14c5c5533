from django.contrib import admin

from core.models import OutboxTask


class ReadOnlyAdminMixin:
    """The admin of a log the services write: rows are viewed (and pruned), never added or edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AppendOnlyAdminMixin(ReadOnlyAdminMixin):
    """A record nobody may rewrite: not even deleted through the admin."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxTask)
class OutboxTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: what waits for the broker, and what was sent (pruned after a day)."""

    list_display = ["id", "name", "args", "created_at", "attempts", "sent_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    show_full_result_count = False
