from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Top-layer app: demo and benchmark data across every other app (`seed_demo`)."""

    name = "demo"
    verbose_name = "Dados de demonstração"
