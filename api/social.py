"""API of the social app: follow and unfollow, the reader's feed, a reader's activities.

Lists page by cursor (`?cursor=` from the previous answer's `next`), as the home feed does.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from accounts.selectors import profile_user_get
from api.serializers import BookRefSerializer
from api.views import limited
from social import selectors, services

CURSOR = "cursor"
CURSOR_PARAMETER = OpenApiParameter(CURSOR, str, description=_("A posição dada em `next` pela página anterior."))


class TopicRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class GoalRefSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    books = serializers.IntegerField()


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    actor = serializers.CharField(source="actor.username")
    verb = serializers.CharField()
    verb_display = serializers.CharField(source="get_verb_display")
    created_at = serializers.DateTimeField()
    book = BookRefSerializer(allow_null=True)
    rating = serializers.DecimalField(max_digits=2, decimal_places=1, source="review.rating", allow_null=True)
    review_id = serializers.IntegerField(allow_null=True)
    topic = TopicRefSerializer(allow_null=True)
    post_id = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True)
    goal = GoalRefSerializer(allow_null=True)


class ActivityPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ActivitySerializer(many=True)


class FeedPageSerializer(ActivityPageSerializer):
    new_count = serializers.IntegerField(help_text=_("Atividades novas desde a última visita (só na primeira página)."))


class FollowSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["accepted", "pending"])
    followers_count = serializers.IntegerField()


def _cursor(request):
    try:
        return selectors.parse_cursor(request.GET.get(CURSOR))
    except DjangoValidationError as error:
        raise ParseError(error.messages[0]) from error


def _page(request, activities, next_cursor, **extra) -> dict:
    url = request.build_absolute_uri()
    return {
        "next": replace_query_param(url, CURSOR, next_cursor) if next_cursor else None,
        "results": activities,
        **extra,
    }


class FeedView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FeedPageSerializer

    @extend_schema(parameters=[CURSOR_PARAMETER])
    def get(self, request):
        """My feed: the public activities of the readers I follow (and mine), newest first."""
        cursor = _cursor(request)
        page = selectors.home_feed(reader=request.user, cursor=cursor)
        if cursor is None:
            selectors.feed_mark_seen(request.user.pk, page)
        return Response(
            self.get_serializer(_page(request, page.activities, page.next_cursor, new_count=page.new_count)).data
        )


class ReaderActivitiesView(GenericAPIView):
    serializer_class = ActivityPageSerializer

    @extend_schema(parameters=[CURSOR_PARAMETER])
    def get(self, request, username: str):
        """A reader's activities as I may see them (a reader who approves followers shows them to followers only)."""
        owner = profile_user_get(username=username)
        if not selectors.relationship(viewer=request.user, owner=owner).can_see:
            raise NotFound(_("Este leitor não mostra suas atividades a você."))
        rows, next_cursor = selectors.actor_activities(owner=owner, viewer=request.user, cursor=_cursor(request))
        return Response(self.get_serializer(_page(request, rows, next_cursor)).data)


class FollowView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FollowSerializer

    def _answer(self, status_value: str, owner, code: int) -> Response:
        count = selectors.relationship(viewer=self.request.user, owner=owner).followers_count
        return Response(self.get_serializer({"status": status_value, "followers_count": count}).data, status=code)

    @extend_schema(request=None, responses={201: FollowSerializer, 200: FollowSerializer})
    @limited("follow_write")
    def post(self, request, username: str):
        """Follow a reader (or ask to, if they approve their followers); following twice changes nothing."""
        owner = profile_user_get(username=username)
        follow = services.follow_create(follower=request.user, followee=owner)
        return self._answer(follow.status, owner, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @limited("follow_write", method="DELETE")
    def delete(self, request, username: str):
        """Unfollow a reader (or withdraw a request)."""
        owner = profile_user_get(username=username)
        services.follow_delete(follower=request.user, followee=owner)
        return Response(status=status.HTTP_204_NO_CONTENT)
