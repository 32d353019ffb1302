from django.urls import path

from jiceng.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:pk>/", views.open_notification, name="open"),
]
