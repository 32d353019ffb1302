from django.urls import path

from jiceng.appeals import category_views as views

app_name = "appeal_categories"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.edit, name="new"),
    path("<int:pk>/", views.edit, name="edit"),
]
