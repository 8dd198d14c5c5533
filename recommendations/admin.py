from django.contrib import admin

from recommendations.models import ModelRun


@admin.register(ModelRun)
class ModelRunAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "started_at", "duration_seconds", "peak_memory_mb")
    list_filter = ("status",)
    readonly_fields = [f.name for f in ModelRun._meta.fields]
