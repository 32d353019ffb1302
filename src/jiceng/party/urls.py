from jiceng.party import liaison_urls

app_name = "party"
urlpatterns: list = [
    *liaison_urls.urlpatterns,
]
