from django.urls import path

from jiceng.people import views

app_name = "people"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("households/", views.households, name="households"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:household_pk>/residents/new/", views.resident_new, name="resident_new"),
    path("buildings/<int:building_pk>/households/new/", views.household_new, name="household_new"),
    path("residents/<int:pk>/", views.resident_detail, name="resident"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/end/", views.resident_end, name="resident_end"),
    path("residents/<int:pk>/move/", views.resident_move, name="resident_move"),
    path("residents/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("care-tags/", views.care_tags, name="care_tags"),
]
