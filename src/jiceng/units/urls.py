from django.urls import path

from jiceng.units import views

app_name = "units"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.unit_new, name="unit_new"),
    path("<int:pk>/", views.unit_detail, name="unit"),
    path("<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<int:pk>/pairings/new/", views.pairing_new, name="pairing_new"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path("posts/", views.posts, name="posts"),
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/new/", views.registration_new, name="registration_new"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration"),
    path("registrations/<int:pk>/posts/", views.registration_posts, name="registration_posts"),
    path("registrations/<int:pk>/end/", views.registration_end, name="registration_end"),
    path("registrations/<int:pk>/records/new/", views.record_new, name="record_new"),
    path("register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
]
