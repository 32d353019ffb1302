"""Pages of 三会一课与组织生活会议 (meetings)."""

from django.urls import URLPattern

app_name = "meetings"
urlpatterns: list[URLPattern] = []
