"""The practice's routes: accounts, therapists' pages, clients' own data (included at the site root)."""

from __future__ import annotations

from django.urls import path

from softspot.practice.views import account, clients, mine, publish

urlpatterns = [
    path("account/", account.account, name="account"),
    path("account/everywhere/", account.everywhere, name="account-everywhere"),
    path("account/reset/", account.reset, name="account-reset"),
    path("invitation/", mine.invitation, name="invitation"),
    path("mine/", mine.mine, name="mine"),
    path("mine/everything.json", mine.download, name="mine-download"),
    path("mine/delete/", mine.delete, name="mine-delete"),
    path("mine/therapists/<int:link_id>/", mine.seen, name="mine-link"),
    path("mine/therapists/<int:link_id>/leave/", mine.leave, name="mine-leave"),
    path("practice/", clients.overview, name="practice"),
    path("practice/invite/", clients.invite, name="practice-invite"),
    path("practice/clients/<int:link_id>/", clients.client, name="practice-client"),
    path("practice/clients/<int:link_id>/programme/", clients.programme, name="practice-programme"),
    path("practice/clients/<int:link_id>/end/", clients.end_link, name="practice-end"),
    path("practice/clients/<int:link_id>/reset/", clients.reset_link, name="practice-reset"),
    path("practice/clients/<int:link_id>/export/<str:kind>/", clients.export, name="practice-export"),
    path("practice/techniques/", publish.techniques, name="practice-techniques"),
    path("practice/techniques/new/", publish.publish, name="practice-publish"),
    path("practice/techniques/<str:technique_id>/new/", publish.publish, name="practice-publish-edit"),
    path("practice/techniques/<str:technique_id>/v/<str:version>/", publish.version, name="practice-technique"),
]
