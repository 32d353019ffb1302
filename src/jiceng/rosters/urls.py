from django.urls import path

from jiceng.rosters import views

app_name = "rosters"
urlpatterns = [path("", views.index, name="index")]
