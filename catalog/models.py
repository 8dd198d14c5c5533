from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.tags import language_name
from core.fragments import slug_url


class Author(models.Model):
    name = models.CharField(_("nome"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("autor")
        verbose_name_plural = _("autores")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("catalog:author_detail", self.slug)


class Category(models.Model):
    """A curated genre shown in navigation (e.g. "Fantasia"), mapped from goodbooks shelves."""

    name = models.CharField(_("nome"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("categoria")
        verbose_name_plural = _("categorias")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("catalog:category_detail", self.slug)


class Tag(models.Model):
    """A reader-made shelf name from goodbooks (e.g. "young-adult"), normalised at import
    (catalog/tags.py): fine-grained, many."""

    name = models.CharField(_("nome"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    # How many books carry it (set by the importer): a book page shows its most used tags first.
    books_count = models.PositiveIntegerField(_("livros"), default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class CoverStatus(models.TextChoices):
    PENDING = "pending", _("a buscar")
    STORED = "stored", _("guardada")
    FAILED = "failed", _("falhou")
    MISSING = "missing", _("sem fonte")


class Book(models.Model):
    # goodbooks-10k's own book_id (the id its ratings files use) and Goodreads' id.
    goodbooks_id = models.PositiveIntegerField(_("id no goodbooks"), unique=True, null=True, blank=True)
    goodreads_id = models.PositiveIntegerField(_("id no Goodreads"), unique=True, null=True, blank=True)
    title = models.CharField(_("título"), max_length=500)
    original_title = models.CharField(_("título original"), max_length=500, blank=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    authors = models.ManyToManyField(Author, related_name="books", verbose_name=_("autores"))
    # Denormalised "A, B" for lists and search, kept in step with `authors` by the services.
    author_names = models.CharField(_("autores (texto)"), max_length=1000, blank=True)
    categories = models.ManyToManyField(Category, related_name="books", blank=True, verbose_name=_("categorias"))
    tags = models.ManyToManyField(Tag, related_name="books", blank=True, verbose_name=_("tags"))
    publication_year = models.SmallIntegerField(_("ano de publicação"), null=True, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True)
    isbn13 = models.CharField(_("ISBN-13"), max_length=13, blank=True)
    language_code = models.CharField(_("idioma"), max_length=10, blank=True)
    pages = models.PositiveIntegerField(_("páginas"), null=True, blank=True)
    description = models.TextField(_("descrição"), blank=True)
    cover_url = models.URLField(_("capa (URL)"), max_length=500, blank=True)
    # The stored cover: [[storage name, width, height], ...] by width, written once by the
    # cover fetcher (catalog/covers.py). Pages read only this field: no work per request.
    cover_files = models.JSONField(_("capa (arquivos)"), default=list, blank=True, editable=False)
    cover_status = models.CharField(
        _("capa (situação)"), max_length=10, choices=CoverStatus.choices, default=CoverStatus.PENDING
    )
    cover_error = models.CharField(_("capa (motivo da falha)"), max_length=255, blank=True)
    cover_attempts = models.PositiveSmallIntegerField(_("capa (tentativas)"), default=0)
    cover_checked_at = models.DateTimeField(_("capa (última tentativa)"), null=True, blank=True)
    # Rating aggregates of CGBookStore reviews, maintained by review services and
    # reconciled by a periodic task; never computed per request.
    average_rating = models.DecimalField(_("nota média"), max_digits=3, decimal_places=2, default=Decimal("0"))
    ratings_count = models.PositiveIntegerField(_("avaliações"), default=0)
    # Filled from title + author_names on PostgreSQL only (GIN index); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("criado em"), auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("livro")
        verbose_name_plural = _("livros")
        indexes = [
            # Catalog sorted by rating / year (catalog list page).
            models.Index(fields=["-average_rating", "-ratings_count"], name="catalog_book_rating_idx"),
            models.Index(fields=["-publication_year", "title"], name="catalog_book_year_idx"),
            models.Index(fields=["isbn13"], name="catalog_book_isbn13_idx"),
            models.Index(fields=["isbn"], name="catalog_book_isbn_idx"),
            # The cover fetcher's batches: books whose cover is still to fetch or to retry.
            models.Index(
                fields=["cover_attempts", "id"],
                name="catalog_book_cover_todo_idx",
                condition=models.Q(cover_status__in=["pending", "failed"]),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("catalog:book_detail", self.slug)  # pages list many books

    @property
    def publication_year_label(self) -> str:
        """ "1997", or "1750 a.C." for the few ancient works goodbooks dates with a negative year."""
        if self.publication_year is None:
            return ""
        if self.publication_year < 0:
            return _("%(year)s a.C.") % {"year": -self.publication_year}
        return str(self.publication_year)

    @property
    def language_name(self) -> str:
        """ "Inglês" for "eng" / "en-US" (catalog/tags.py)."""
        return language_name(self.language_code)

    @property
    def cover_hue(self) -> int:
        """A stable colour for the generated placeholder cover: a hue in steps of 10, so a
        class (`hue-<n>` in static/css/bars.css) paints it without an inline style."""
        return (self.pk or 0) * 47 % 36 * 10


class BookEdit(models.Model):
    """One change to a book's catalog data outside the importer: who, what, from what to what.

    Page counts are filled by the first reader's total or a library import, and corrected
    by librarians (moderators); the book's edit page lists this history.
    """

    class Source(models.TextChoices):
        READER = "reader", _("total do primeiro leitor")
        IMPORT = "import", _("importação de biblioteca")
        LIBRARIAN = "librarian", _("bibliotecário")

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="edits", verbose_name=_("livro"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("usuário"),
    )
    field = models.CharField(_("campo"), max_length=50)
    old_value = models.CharField(_("valor anterior"), max_length=255, blank=True)
    new_value = models.CharField(_("valor novo"), max_length=255, blank=True)
    source = models.CharField(_("origem"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("quando"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("edição de livro")
        verbose_name_plural = _("edições de livros")
        # The history on a book's edit page, newest first.
        indexes = [models.Index(fields=["book", "-created_at"], name="catalog_bookedit_book_idx")]

    def __str__(self):
        return f"{self.book} · {self.field}: {self.old_value} → {self.new_value}"
