"""Pages of 党员教育培训 (training)."""

from django.urls import URLPattern

app_name = "training"
urlpatterns: list[URLPattern] = []
