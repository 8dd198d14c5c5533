from django.shortcuts import render

from core.panels import render_panels


def home(request):
    return render(request, "core/home.html", {"panels": render_panels("home", request)})
