"""Pages of 党费 (dues)."""

from django.urls import URLPattern

app_name = "dues"
urlpatterns: list[URLPattern] = []
