from django.urls import path

from jiceng.appeals import measure_views

app_name = "appeal_measures"
urlpatterns = [
    path("", measure_views.index, name="index"),
    path("hot/", measure_views.hot, name="hot"),
    path("export.xlsx", measure_views.export, name="export"),
]
