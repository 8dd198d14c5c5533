from django.contrib import admin

from accounts.models import BookReview, BookShelf, Profile, ReadingProgress, ReviewEdit, ReviewHelpfulVote
from accounts.services import book_rating_refresh
from core.admin import AppendOnlyAdminMixin


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    filter_horizontal = ["favorite_categories"]


@admin.register(BookShelf)
class BookShelfAdmin(admin.ModelAdmin):
    list_display = ["user", "book", "shelf_type", "custom_name", "added_at", "finished_at"]
    list_filter = ["shelf_type"]
    search_fields = ["user__username", "book__title", "custom_name"]
    raw_id_fields = ["user", "book"]
    list_select_related = ["user", "book"]


@admin.register(ReadingProgress)
class ReadingProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "book", "current_page", "total_pages", "deadline", "finished_at", "is_abandoned"]
    list_filter = ["is_abandoned", "finished_at"]
    search_fields = ["user__username", "book__title"]
    raw_id_fields = ["user", "book"]
    list_select_related = ["user", "book"]


class ReviewEditInline(admin.TabularInline):
    model = ReviewEdit
    extra = 0
    can_delete = False
    fields = ("edited_at", "editor", "old_rating", "old_title", "old_text")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BookReview)
class BookReviewAdmin(admin.ModelAdmin):
    """Edits here keep the book's rating aggregates in step, as the services do."""

    inlines = [ReviewEditInline]

    list_display = ["user", "book", "rating", "visibility", "contains_spoilers", "helpful_count", "created_at"]
    list_filter = ["visibility", "contains_spoilers", "rating"]
    search_fields = ["user__username", "book__title", "title"]
    raw_id_fields = ["user", "book"]
    readonly_fields = ["helpful_count", "hidden_by"]
    list_select_related = ["user", "book"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        book_rating_refresh(book_id=obj.book_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        book_rating_refresh(book_id=obj.book_id)

    def delete_queryset(self, request, queryset):
        book_ids = set(queryset.values_list("book_id", flat=True))
        super().delete_queryset(request, queryset)
        for book_id in book_ids:
            book_rating_refresh(book_id=book_id)


@admin.register(ReviewHelpfulVote)
class ReviewHelpfulVoteAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: votes change through the site so helpful_count stays in step."""

    list_display = ["user", "review", "created_at"]
    search_fields = ["user__username"]
    raw_id_fields = ["user", "review"]
