"""Pages of 组织关系转接 (transfers)."""

from django.urls import URLPattern

app_name = "transfers"
urlpatterns: list[URLPattern] = []
