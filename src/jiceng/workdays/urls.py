from django.urls import path

from jiceng.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.year, name="index"),
    path("<int:year>/", views.year, name="year"),
    path("template.xlsx", views.template, name="template"),
]
