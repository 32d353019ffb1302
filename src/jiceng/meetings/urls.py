"""Pages of 三会一课 and the other organisational-life meetings."""

from django.urls import path

from jiceng.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("board/", views.board, name="board"),
    path("new/", views.new, name="new"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("organisations/<int:pk>/plan/", views.plan, name="plan"),
    path("organisations/<int:pk>/register/", views.register, name="register"),
    path("organisations/<int:pk>/talks/", views.talk, name="talk"),
    path("<int:pk>/", views.detail, name="meeting"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/qr.svg", views.qr, name="qr"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/record/", views.record, name="record"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/attachments/", views.attach, name="attach"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("sign/<str:token>/", views.sign, name="sign"),
]
