"""Coverage, liaison and assignment pages; included by party/urls.py."""

from django.urls import path

from jiceng.party import liaison_views as views

urlpatterns: list = [
    path("chain/", views.chain, name="chain"),
    path("chain/tree.json", views.chain_tree, name="chain_tree"),
    path("chain/<slug:kind>/<int:pk>/", views.chain_node, name="chain_node"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/uncovered/", views.uncovered, name="uncovered"),
    path("coverage/idle-members/", views.idle_members, name="idle_members"),
    path("grids/<str:code>/", views.grid, name="grid"),
    path("grids/<str:code>/assign/", views.assign, name="assign"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/confirm/", views.proposal_confirm, name="proposal_confirm"),
    path("proposals/<int:pk>/discard/", views.proposal_discard, name="proposal_discard"),
    path("liaison/households/<int:pk>/link/", views.link_household, name="link_household"),
    path("liaison/households/<int:pk>/call/", views.call_liaison, name="call_liaison"),
    path("liaison/links/<int:pk>/end/", views.end_link, name="end_link"),
]
