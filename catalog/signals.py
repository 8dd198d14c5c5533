"""Keep denormalised fields and caches in step with edits made outside the importer (admin, shell)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from catalog import cache as catalog_cache
from catalog.models import Author, Book, Category, Tag
from catalog.services import book_refresh_denormalised

M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}


def _affected_books(instance, pk_set) -> list[Book]:
    """The books an m2m change touched, whichever side it was made from."""
    if isinstance(instance, Book):
        return [instance]
    return list(Book.objects.filter(pk__in=pk_set or ()).only("slug"))


@receiver(pre_save, sender=Book)
def remember_old_slug(sender, instance, raw, update_fields=None, **kwargs):
    if raw or not instance.pk or (update_fields is not None and "slug" not in update_fields):
        return
    instance._old_slug = Book.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()


@receiver(post_save, sender=Book)
def book_saved(sender, instance, raw, **kwargs):
    if raw:
        return
    book_refresh_denormalised(book_id=instance.pk)
    catalog_cache.flush_book(instance.slug, getattr(instance, "_old_slug", None) or "")


@receiver(post_delete, sender=Book)
def book_deleted(sender, instance, **kwargs):
    catalog_cache.flush_book(instance.slug)


@receiver(m2m_changed, sender=Book.authors.through)
def book_authors_changed(sender, instance, action, pk_set, **kwargs):
    if action not in M2M_ACTIONS:
        return
    books = _affected_books(instance, pk_set)
    for book in books:
        book_refresh_denormalised(book_id=book.pk)
    catalog_cache.flush_book(*(book.slug for book in books))


@receiver(m2m_changed, sender=Book.categories.through)
@receiver(m2m_changed, sender=Book.tags.through)
def book_labels_changed(sender, instance, action, pk_set, **kwargs):
    if action in M2M_ACTIONS:
        catalog_cache.flush_book(*(book.slug for book in _affected_books(instance, pk_set)))


@receiver(post_save, sender=Author)
@receiver(post_delete, sender=Author)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def taxonomy_changed(sender, **kwargs):
    catalog_cache.flush_taxonomy()
