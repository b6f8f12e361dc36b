from django.urls import path, re_path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/<str:iso3>/", views.country, name="country"),
    path("commitments/", views.commitment_list, name="public-commitments"),
    path("commitments/<str:code>/", views.commitment_detail, name="public-commitment"),
    path("changes/", views.changes, name="changes"),
    path("methodology/", views.methodology, name="methodology"),
    re_path(r"^export/(?P<panel>[a-z_]+)\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("report/", views.report, name="report"),
    path("report.pdf", views.report_pdf, name="report-pdf"),
    path("embed/", views.embed, name="embed"),
    path("embed/<str:iso3>/", views.embed, name="embed-country"),
]
