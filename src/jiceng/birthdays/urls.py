"""Pages of 政治生日 (birthdays)."""

from django.urls import URLPattern

app_name = "birthdays"
urlpatterns: list[URLPattern] = []
