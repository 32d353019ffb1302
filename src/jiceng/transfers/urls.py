"""Pages of transfers of organisational relations (组织关系转接)."""

from django.urls import path

from jiceng.transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.index, name="index"),
    path("out/", views.new_out, name="new_out"),
    path("in/", views.new_in, name="new_in"),
    path("<int:pk>/", views.transfer, name="transfer"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/letter.pdf", views.letter, name="letter"),
]
