"""The practice's routes: accounts, therapists' pages, clients' own data (included at the site root)."""

from __future__ import annotations

from django.urls import path

from softspot.practice.views import account, overview, publish

urlpatterns = [
    path("account/", account.account, name="account"),
    path("account/everywhere/", account.everywhere, name="account-everywhere"),
    path("account/reset/", account.reset, name="account-reset"),
    path("practice/", overview.overview, name="practice"),
    path("practice/techniques/", publish.techniques, name="practice-techniques"),
    path("practice/techniques/new/", publish.publish, name="practice-publish"),
    path("practice/techniques/<str:technique_id>/new/", publish.publish, name="practice-publish-edit"),
    path("practice/techniques/<str:technique_id>/v/<str:version>/", publish.version, name="practice-technique"),
]
