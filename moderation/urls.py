from django.urls import path

from moderation import views

app_name = "moderation"
# Mounted under /debates/, before debates' own routes, at the paths these pages always had:
# debates keeps "moderacao", "mensagens" and "resenhas" out of topic slugs.
urlpatterns = [
    path("moderacao/", views.moderation_queue, name="moderation_queue"),
    path("moderacao/denuncias/<int:pk>/descartar/", views.report_dismiss, name="report_dismiss"),
    path("moderacao/suspender/<int:user_id>/", views.user_suspend, name="user_suspend"),
    path("moderacao/resenhas/<int:pk>/ocultar/", views.review_hide, name="review_hide"),
    path("moderacao/resenhas/<int:pk>/restaurar/", views.review_restore, name="review_restore"),
    path(
        "moderacao/denuncias-de-resenhas/<int:pk>/descartar/",
        views.review_report_dismiss,
        name="review_report_dismiss",
    ),
    path("mensagens/<int:pk>/denunciar/", views.post_report, name="post_report"),
    path("resenhas/<int:pk>/denunciar/", views.review_report, name="review_report"),
    path("mensagens/<int:pk>/ocultar/", views.post_hide, name="post_hide"),
    path("mensagens/<int:pk>/restaurar/", views.post_restore, name="post_restore"),
    path("<slug:slug>/fixar/", views.topic_pin, name="topic_pin"),
    path("<slug:slug>/trancar/", views.topic_lock, name="topic_lock"),
]
