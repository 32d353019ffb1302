from django.urls import path

from jiceng.rosters import views

app_name = "rosters"
urlpatterns = [
    path("", views.index, name="index"),
    path("templates/<str:kind>.xlsx", views.template_download, name="template"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job"),
    path("jobs/<uuid:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<uuid:pk>/errors.xlsx", views.job_error_report, name="error_report"),
    path("jobs/<uuid:pk>/import-valid/", views.job_import_valid, name="import_valid"),
    path("jobs/<uuid:pk>/confirm/", views.job_confirm, name="confirm"),
    path("export/", views.export, name="export"),
]
