from django.urls import path

from social import views

app_name = "social"
# Fixed routes have one segment or an int second segment; reader routes have a word second
# segment, so no username can shadow them.
urlpatterns = [
    path("", views.feed, name="feed"),
    path("comunidade/", views.community, name="community"),
    path("pedidos/", views.requests_page, name="requests"),
    path("configuracoes/", views.settings_page, name="settings"),
    path("<str:username>/seguir/", views.follow, name="follow"),
    path("<str:username>/deixar-de-seguir/", views.unfollow, name="unfollow"),
    path("<str:username>/aceitar/", views.accept_request, name="accept"),
    path("<str:username>/remover-seguidor/", views.remove_follower, name="remove_follower"),
    path("<str:username>/bloquear/", views.block, name="block"),
    path("<str:username>/desbloquear/", views.unblock, name="unblock"),
    path("<str:username>/silenciar/", views.mute, name="mute"),
    path("<str:username>/reativar/", views.unmute, name="unmute"),
    path("<str:username>/seguidores/", views.people, {"direction": "followers"}, name="followers"),
    path("<str:username>/seguindo/", views.people, {"direction": "following"}, name="following"),
    path("<str:username>/atividades/", views.activities, name="activities"),
]
