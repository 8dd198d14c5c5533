from django.urls import path

from debates import views

app_name = "debates"
# Literal routes first: a topic slug never takes "novo" or "mensagens" (see services).
urlpatterns = [
    path("", views.topic_list, name="topic_list"),
    path("novo/<slug:book_slug>/", views.topic_create, name="topic_create"),
    path("mensagens/<int:pk>/editar/", views.post_edit, name="post_edit"),
    path("mensagens/<int:pk>/excluir/", views.post_delete, name="post_delete"),
    path("mensagens/<int:pk>/votar/", views.post_vote, name="post_vote"),
    path("<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("<slug:slug>/responder/", views.post_create, name="post_create"),
    path("<slug:slug>/fixar/", views.topic_pin, name="topic_pin"),
    path("<slug:slug>/trancar/", views.topic_lock, name="topic_lock"),
]
