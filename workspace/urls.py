"""The workspace's pages (under /workspace/): the tracker, the lists, a commitment's page, the
matrix, the review queue and one's own submissions."""

from django.urls import path

from workspace import views, views_review, views_tracker

urlpatterns = [
    path("", views_tracker.start, name="workspace"),
    path("tracker.xlsx", views_tracker.export, name="tracker-export"),
    path("tracker/<str:iso3>/", views_tracker.country, name="tracker-country"),
    path("commitments/", views.commitment_list, name="workspace-commitments"),
    path("commitments/<str:code>/", views.commitment_detail, name="workspace-commitment"),
    path("countries/<str:iso3>/matrix/", views.country_matrix, name="country-matrix"),
    path("review/", views_review.review_queue, name="review-queue"),
    path("mine/", views.my_submissions, name="my-submissions"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
