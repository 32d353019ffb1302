"""Pages of 发展党员 (development)."""

from django.urls import URLPattern

app_name = "development"
urlpatterns: list[URLPattern] = []
