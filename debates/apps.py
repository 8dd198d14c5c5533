from django.apps import AppConfig


class DebatesConfig(AppConfig):
    name = "debates"
    verbose_name = "Debates"

    def ready(self):
        from core.panels import register_panel
        from debates import panels, signals  # noqa: F401  (connects the cache receivers)
        from debates.cache import book_namespace, book_panel_cache_key

        register_panel(
            "book",
            name="debates",
            order=40,
            render=panels.book_panel,
            versions=lambda book: (book_namespace(book.pk),),
            keys=lambda request, book: (book_panel_cache_key(book.pk),),
        )
        register_panel("home", name="debates", order=30, render=panels.home_panel)

        from core.fragments import register_filler
        from debates.fillers import FILLERS

        for kind, fill in FILLERS.items():
            register_filler(kind, fill)

        from core.personal import register_facts
        from debates import selectors
        from debates.cache import READS_FACTS, VOTES_FACTS, reads_namespace

        register_facts(READS_FACTS, selectors.reader_read_marks, namespaces=lambda user_id: (reads_namespace(user_id),))
        register_facts(VOTES_FACTS, selectors.reader_votes)  # votes are the reader's own writes

        from core.warmup import register_hot_page, register_warmer
        from debates import warmup

        register_warmer("debates", warmup.warm)
        register_hot_page("debates", warmup.topic_list_url)
        register_hot_page("debate", warmup.hot_topic_url)
