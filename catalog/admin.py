from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog import services, tasks
from catalog.models import Author, Book, BookEdit, Category, Tag
from core.admin import ReadOnlyAdminMixin
from core.jobs import enqueue_on_commit


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "author_names", "publication_year", "language_code", "average_rating", "ratings_count"]
    list_filter = ["categories", "language_code", "cover_status"]
    search_fields = ["title", "original_title", "author_names", "isbn", "isbn13", "=goodbooks_id"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors", "categories", "tags"]
    # Kept in step by catalog.signals (authors) and the review services (ratings).
    readonly_fields = [
        "author_names",
        "average_rating",
        "ratings_count",
        "search_vector",
        "created_at",
        # Written by the cover fetcher (catalog/covers.py); the action below starts over.
        "cover_status",
        "cover_error",
        "cover_attempts",
        "cover_checked_at",
    ]
    show_full_result_count = False
    actions = ["refetch_cover"]

    @admin.action(description=_("Buscar a capa de novo"))
    def refetch_cover(self, request, queryset):
        for book_id in queryset.values_list("id", flat=True):
            services.book_cover_reset(book_id=book_id)
            enqueue_on_commit(tasks.book_cover_fetch, book_id)


@admin.register(BookEdit)
class BookEditAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The log of page-count fills and librarian edits: read only."""

    list_display = ["created_at", "book", "field", "old_value", "new_value", "source", "user"]
    list_filter = ["source", "field"]
    search_fields = ["book__title"]
    list_select_related = ["book", "user"]
    readonly_fields = [f.name for f in BookEdit._meta.fields]
