from django.urls import path

from . import views, views_spreadsheets, views_tracker

urlpatterns = [
    path("", views_tracker.start, name="workspace"),
    path("tracker.xlsx", views_tracker.export, name="tracker-export"),
    path("tracker/<str:iso3>/", views_tracker.country, name="tracker-country"),
    path("commitments/", views.commitment_list, name="workspace-commitments"),
    path("commitments/<str:code>/", views.commitment_detail, name="workspace-commitment"),
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
    path("countries/<str:iso3>/matrix/", views.country_matrix, name="country-matrix"),
    path("review/", views.review_queue, name="review-queue"),
    path("mine/", views.my_submissions, name="my-submissions"),
    path("periods/", views.periods_page, name="periods"),
    path("periods/<str:code>/lock/", views.period_lock, name="period-lock"),
    path("periods/<str:code>/deadlines/", views.period_deadlines, name="period-deadlines"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("spreadsheets/", views_spreadsheets.spreadsheets, name="spreadsheets"),
    path("spreadsheets/matrix.xlsx", views_spreadsheets.download_matrix, name="matrix-download"),
    path("spreadsheets/<int:pk>/", views_spreadsheets.upload_detail, name="spreadsheet-upload"),
    path("spreadsheets/<int:pk>/apply/", views_spreadsheets.upload_apply, name="spreadsheet-apply"),
    path(
        "spreadsheets/<int:pk>/columns/",
        views_spreadsheets.upload_columns,
        name="spreadsheet-columns",
    ),
    path("spreadsheets/<int:pk>/file/", views_spreadsheets.upload_file, name="spreadsheet-file"),
    path(
        "commitments/export.<str:fmt>",
        views_spreadsheets.export_commitments,
        name="commitments-export",
    ),
]
