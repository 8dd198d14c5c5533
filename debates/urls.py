from django.urls import path

from debates import views

app_name = "debates"
# Literal routes first: a topic slug never takes "novo", "mensagens", "resenhas" or "moderacao" (see services):
# moderation mounts its pages under the same prefix, before these (cgbookstore/urls.py).
urlpatterns = [
    path("", views.topic_list, name="topic_list"),
    path("novo/<slug:book_slug>/", views.topic_create, name="topic_create"),
    path("mensagens/<int:pk>/historico/", views.post_history, name="post_history"),
    path("mensagens/<int:pk>/editar/", views.post_edit, name="post_edit"),
    path("mensagens/<int:pk>/excluir/", views.post_delete, name="post_delete"),
    path("mensagens/<int:pk>/votar/", views.post_vote, name="post_vote"),
    path("<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("<slug:slug>/primeira-nao-lida/", views.topic_first_unread, name="topic_first_unread"),
    path("<slug:slug>/responder/", views.post_create, name="post_create"),
]
