from django.urls import path
from django.views.generic import TemplateView

app_name = "accounts"
urlpatterns = [
    path("<str:username>/", TemplateView.as_view(template_name="base.html"), name="profile"),
]
