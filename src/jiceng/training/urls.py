"""Pages of the community party school (社区党校)."""

from django.urls import path

from jiceng.training import views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("courses/<int:pk>/sessions/", views.session_new, name="session_new"),
    path("courses/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("organisations/<int:pk>/progress/", views.progress, name="progress"),
    path("members/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]
