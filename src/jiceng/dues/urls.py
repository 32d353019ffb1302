"""Pages of party dues (党费)."""

from django.urls import path

from jiceng.dues import views

app_name = "dues"
urlpatterns = [
    path("", views.index, name="index"),
    path("organisations/<int:pk>/pay/", views.pay, name="pay"),
    path("report/", views.report, name="report"),
    path("members/<int:pk>/", views.member, name="member"),
    path("members/<int:pk>/assess/", views.assess, name="assess"),
    path("members/<int:pk>/extra/", views.extra, name="extra"),
    path("assessments/<int:pk>/hardship/", views.hardship, name="hardship"),
]
