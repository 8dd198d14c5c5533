from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Leitores"

    def ready(self):
        from accounts import panels, selectors, signals  # noqa: F401  (connect receivers)
        from accounts.cache import book_reviews_html_key, book_reviews_namespace, book_reviews_summary_key
        from core.fragments import register_filler
        from core.panels import register_panel
        from core.personal import register_facts

        register_panel(
            "home",
            name="accounts_continue_reading",
            order=5,
            render=panels.continue_reading_panel,
            namespaces=lambda user_id: (),  # the reader's own writes only
        )
        register_panel("book_actions", name="accounts_my_shelf", order=20, render=panels.book_shelf_panel)
        register_panel(
            "book",
            name="accounts_reviews",
            order=30,
            render=panels.book_reviews_panel,
            versions=lambda book: (book_reviews_namespace(book.pk),),
            keys=lambda request, book: (
                book_reviews_html_key(book.pk, signed_in=request.user.is_authenticated),
                book_reviews_summary_key(book.pk),  # read when the panel is built
            ),
        )
        register_filler("book_shelf", panels.fill_book_shelf, visitor=panels.fill_book_shelf_visitor)
        register_filler("review", panels.fill_review_bits, visitor=panels.fill_review_bits_visitor)
        register_facts(panels.LIBRARY_FACTS, selectors.reader_library)
