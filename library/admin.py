from django.contrib import admin

from library.models import ImportJob, ImportRow, ReadingGoal


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["file_name", "user", "source", "status", "total_rows", "matched", "unmatched", "created_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["user"]


@admin.register(ImportRow)
class ImportRowAdmin(admin.ModelAdmin):
    list_display = ["job", "row_number", "status", "book"]
    list_filter = ["status"]
    raw_id_fields = ["job", "book"]


@admin.register(ReadingGoal)
class ReadingGoalAdmin(admin.ModelAdmin):
    list_display = ["user", "year", "books", "pages", "visibility"]
    raw_id_fields = ["user"]
