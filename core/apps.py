from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Núcleo"

    def ready(self):
        from core import fillers, lookups, observability, personal  # noqa: F401  (lookups: registers __any_of)
        from core.fragments import register_filler

        observability.connect_signals()
        register_filler("nav", fillers.fill_nav, visitor=fillers.fill_nav_visitor)
        register_filler("reader_name", fillers.fill_reader_name)
        register_filler(personal.KIND, personal.fill_personal)
