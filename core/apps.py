from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Núcleo"

    def ready(self):
        from core import observability

        observability.connect_signals()
