from django.urls import path

from jiceng.party import liaison_urls, record_views, views

app_name = "party"
urlpatterns: list = [
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/elect/", views.elect, name="elect"),
    path("members/", views.members, name="members"),
    path("members/new/", views.member_new, name="member_new"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/end/", views.member_end, name="member_end"),
    path("members/<int:pk>/sign.pdf", views.identity_sign, name="identity_sign"),
    path("members/<int:pk>/central-household/", views.central_new, name="central_new"),
    path("members/<int:pk>/record/", record_views.member_record, name="member_record"),
    path("members/<int:pk>/visits/new/", record_views.visit_new, name="visit_new"),
    path("central-households/<int:pk>/", views.central_detail, name="central"),
    *liaison_urls.urlpatterns,
]
