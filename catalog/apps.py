from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catálogo"

    def ready(self):
        from catalog import signals  # noqa: F401  (connects the receivers)
        from catalog.panels import popular_books_panel
        from core.panels import register_panel

        register_panel("home", name="popular_books", order=10, render=popular_books_panel)

        from catalog import warmup
        from core.warmup import register_hot_page, register_warmer

        register_warmer("catalog", warmup.warm)
        register_hot_page("livro", warmup.hot_book_url)
