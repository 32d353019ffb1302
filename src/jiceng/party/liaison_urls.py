"""Coverage, liaison and assignment pages; included by party/urls.py."""

urlpatterns: list = []
