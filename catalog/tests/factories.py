import factory
from django.utils.text import slugify

from catalog.models import Author, Book, Category, Tag


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Autora {n}")
    slug = factory.LazyAttribute(lambda a: slugify(a.name))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Categoria {n}")
    slug = factory.LazyAttribute(lambda c: slugify(c.name))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag-{n}")
    slug = factory.LazyAttribute(lambda t: slugify(t.name))


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Book
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Livro {n}")
    slug = factory.LazyAttribute(lambda b: slugify(b.title))
    publication_year = 2001
    pages = 300
    isbn13 = factory.Sequence(lambda n: f"978{n:010d}")

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        authors = extracted if extracted is not None else [AuthorFactory()]
        self.authors.set(authors)
        self.author_names = ", ".join(a.name for a in authors)
        self.save(update_fields=["author_names"])
