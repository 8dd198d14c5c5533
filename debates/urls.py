from django.urls import path
from django.views.generic import TemplateView

app_name = "debates"
_todo = TemplateView.as_view(template_name="base.html")
urlpatterns = [
    path("", _todo, name="topic_list"),
    path("<slug:slug>/", _todo, name="topic_detail"),
]
