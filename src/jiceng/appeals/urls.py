from django.urls import path

from jiceng.appeals import views

app_name = "appeals"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("new/lookup/", views.lookup, name="lookup"),
    path("new/households/", views.households, name="households"),
    path("new/similar/", views.similar, name="similar"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/call/", views.call, name="call"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
