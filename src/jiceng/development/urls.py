"""Pages of membership development (发展党员)."""

from django.urls import path

from jiceng.development import views

app_name = "development"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/steps/<slug:key>/", views.step, name="step"),
    path("<int:pk>/received/", views.receive, name="receive"),
]
