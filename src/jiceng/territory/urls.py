from django.urls import path

from jiceng.territory import views

app_name = "territory"
urlpatterns = [
    path("", views.index, name="index"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("buildings/<int:pk>/edit/", views.building_edit, name="building_edit"),
    path("estates/<int:pk>/edit/", views.estate_edit, name="estate_edit"),
    path("<str:code>/", views.area_detail, name="area"),
    path("<str:code>/edit/", views.area_edit, name="area_edit"),
    path("<str:code>/new/", views.area_new, name="area_new"),
    path("<str:code>/estates/new/", views.estate_new, name="estate_new"),
    path("<str:code>/buildings/new/", views.building_new, name="building_new"),
]
