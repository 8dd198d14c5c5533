import factory
from django.utils.text import slugify

from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from debates.models import DebatePost, DebateTopic, DebateVote


class DebateTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DebateTopic

    book = factory.SubFactory(BookFactory)
    creator = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Debate {n}")
    slug = factory.LazyAttribute(lambda t: slugify(t.title))
    description = "Vamos conversar sobre o livro."


class DebatePostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DebatePost

    topic = factory.SubFactory(DebateTopicFactory)
    author = factory.SubFactory(UserFactory)
    content = factory.Sequence(lambda n: f"Mensagem {n}")


class DebateVoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DebateVote

    user = factory.SubFactory(UserFactory)
    post = factory.SubFactory(DebatePostFactory)
    value = DebateVote.Value.UP
