from django.urls import path

from debates import views

app_name = "debates"
# Literal routes first: a topic slug never takes "novo", "mensagens", "resenhas" or "moderacao" (see services).
urlpatterns = [
    path("", views.topic_list, name="topic_list"),
    path("novo/<slug:book_slug>/", views.topic_create, name="topic_create"),
    path("moderacao/", views.moderation_queue, name="moderation_queue"),
    path("moderacao/denuncias/<int:pk>/descartar/", views.report_dismiss, name="report_dismiss"),
    path("moderacao/suspender/<int:user_id>/", views.user_suspend, name="user_suspend"),
    path("mensagens/<int:pk>/denunciar/", views.post_report, name="post_report"),
    path("resenhas/<int:pk>/denunciar/", views.review_report, name="review_report"),
    path("moderacao/resenhas/<int:pk>/ocultar/", views.review_hide, name="review_hide"),
    path("moderacao/resenhas/<int:pk>/restaurar/", views.review_restore, name="review_restore"),
    path(
        "moderacao/denuncias-de-resenhas/<int:pk>/descartar/",
        views.review_report_dismiss,
        name="review_report_dismiss",
    ),
    path("mensagens/<int:pk>/ocultar/", views.post_hide, name="post_hide"),
    path("mensagens/<int:pk>/restaurar/", views.post_restore, name="post_restore"),
    path("mensagens/<int:pk>/historico/", views.post_history, name="post_history"),
    path("mensagens/<int:pk>/editar/", views.post_edit, name="post_edit"),
    path("mensagens/<int:pk>/excluir/", views.post_delete, name="post_delete"),
    path("mensagens/<int:pk>/votar/", views.post_vote, name="post_vote"),
    path("<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("<slug:slug>/primeira-nao-lida/", views.topic_first_unread, name="topic_first_unread"),
    path("<slug:slug>/responder/", views.post_create, name="post_create"),
    path("<slug:slug>/fixar/", views.topic_pin, name="topic_pin"),
    path("<slug:slug>/trancar/", views.topic_lock, name="topic_lock"),
]
