"""The secretariat's edits of the catalogue's Spanish texts (under /workspace/)."""

from django.urls import path

from commitments import views

urlpatterns = [
    path(
        "commitments/<str:code>/translation/",
        views.commitment_translation,
        name="workspace-commitment-translation",
    ),
    path(
        "plans/<str:iso3>/<str:edition>/translation/",
        views.plan_translation,
        name="workspace-plan-translation",
    ),
]
