"""The spreadsheet exchange's pages (under /workspace/): templates, uploads, their previews, and
the list exports."""

from django.urls import path

from spreadsheets import edition_views, views

urlpatterns = [
    path("spreadsheets/", views.spreadsheets, name="spreadsheets"),
    path("spreadsheets/matrix.xlsx", views.download_matrix, name="matrix-download"),
    path("spreadsheets/<int:pk>/", views.upload_detail, name="spreadsheet-upload"),
    path("spreadsheets/<int:pk>/apply/", views.upload_apply, name="spreadsheet-apply"),
    path("spreadsheets/<int:pk>/columns/", views.upload_columns, name="spreadsheet-columns"),
    path("spreadsheets/<int:pk>/file/", views.upload_file, name="spreadsheet-file"),
    path("plan-editions/", edition_views.plan_edition, name="plan-edition"),
    path(
        "plan-editions/template/",
        edition_views.plan_edition_template,
        name="plan-edition-template",
    ),
    path("commitments/export.<str:fmt>", views.export_commitments, name="commitments-export"),
]
