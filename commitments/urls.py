from django.urls import path

from . import views

urlpatterns = [
    path("", views.workspace_home, name="workspace"),
    path("commitments/", views.commitment_list, name="workspace-commitments"),
    path("commitments/<str:code>/", views.commitment_detail, name="workspace-commitment"),
    path("countries/<str:iso3>/matrix/", views.country_matrix, name="country-matrix"),
    path("review/", views.review_queue, name="review-queue"),
    path("periods/", views.periods_page, name="periods"),
    path("periods/<str:code>/lock/", views.period_lock, name="period-lock"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
