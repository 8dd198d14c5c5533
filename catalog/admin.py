from django.contrib import admin

from catalog.models import Author, Book, Category, Tag


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
    list_filter = ["categories", "language_code"]
    search_fields = ["title", "original_title", "author_names", "isbn", "isbn13", "=goodbooks_id"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors", "categories", "tags"]
    # Kept in step by catalog.signals (authors) and the review services (ratings).
    readonly_fields = ["author_names", "average_rating", "ratings_count", "search_vector", "created_at"]
    show_full_result_count = False
