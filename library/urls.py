from django.urls import path

from library import views

app_name = "library"
urlpatterns = [
    path("", views.home, name="home"),
    path("importar/", views.import_upload, name="import_upload"),
    path("importar/<int:pk>/", views.import_detail, name="import_detail"),
    path("importar/<int:pk>/progresso/", views.import_progress, name="import_progress"),
    path("importar/<int:pk>/cancelar/", views.import_cancel, name="import_cancel"),
    path("importar/<int:pk>/retomar/", views.import_retry, name="import_retry"),
    path("importar/<int:pk>/linha/<int:row_pk>/", views.import_row, name="import_row"),
    path("exportar/goodreads.csv", views.export_goodreads, name="export_goodreads"),
    path("exportar/conta.json", views.export_account, name="export_account"),
    path("meta/", views.goal_update, name="goal_update"),
    path("<str:username>/estatisticas/<int:year>/", views.year_stats, name="year_stats"),
    path("<str:username>/ano/<int:year>/", views.year_summary, name="year_summary"),
]
