"""Pages of political birthdays (政治生日)."""

from django.urls import path

from jiceng.birthdays import views

app_name = "birthdays"
urlpatterns = [
    path("", views.index, name="index"),
    path("oath/new/", views.activity_new, name="activity_new"),
    path("members/<int:pk>/card.pdf", views.card, name="card"),
]
