from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("lidas/", views.notification_read_all, name="read_all"),
    path("<int:pk>/abrir/", views.notification_open, name="open"),
    path("<int:pk>/lida/", views.notification_read, name="read"),
    path("debates/<slug:slug>/seguir/", views.topic_follow, name="topic_follow"),
]
