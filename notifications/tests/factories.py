import factory

from core.tests.factories import UserFactory
from debates.tests.factories import DebatePostFactory
from notifications.models import Notification, TopicFollow


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Notification.Kind.TOPIC_POST
    actor = factory.SubFactory(UserFactory)
    post = factory.SubFactory(DebatePostFactory)
    topic = factory.LazyAttribute(lambda n: n.post.topic)
    dedupe_key = factory.LazyAttribute(lambda n: f"post:{n.post.pk}")


class TopicFollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicFollow

    user = factory.SubFactory(UserFactory)
    topic = factory.SubFactory("debates.tests.factories.DebateTopicFactory")
