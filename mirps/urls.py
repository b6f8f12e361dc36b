from django.contrib import admin
from django.urls import include, path
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView, DefaultRouter

from commitments import api as catalogue_api
from countries import api as country_api
from funding import api as funding_api
from indicators import api as indicator_api
from mirps.views import health
from periods import api as period_api
from releases.api import ReleaseDetailView, ReleaseListView
from reports.api import ProgressView
from spreadsheets import api as spreadsheet_api
from spreadsheets import edition_api
from statuses import api as status_api


class ApiRoot(APIRootView):
    """The API root, named and described in the reader's language (not "Api Root", "The default
    basic root view for DefaultRouter")."""

    def get_view_name(self):
        return gettext("MIRPS monitor API")

    def get_view_description(self, html=False):
        text = gettext(
            "The monitor's data, open to all: each link below is a collection, in JSON. What "
            "every field means is in the API documentation (/api/docs/)."
        )
        return format_html("<p>{}</p>", text) if html else text


class Router(DefaultRouter):
    """The API root lists the figures (``progress/``, a plain view outside the router) first,
    then every collection."""

    extra_root = {"progress": "api-progress", "releases": "api-releases"}
    APIRootView = ApiRoot

    def get_api_root_view(self, api_urls=None):
        listed = {
            prefix: self.routes[0].name.format(basename=basename)
            for prefix, _viewset, basename in self.registry
        }
        return self.APIRootView.as_view(api_root_dict={**self.extra_root, **listed})


router = Router()
router.register("countries", country_api.CountryViewSet, basename="country")
router.register("pillars", catalogue_api.PillarViewSet, basename="pillar")
router.register("focus-areas", catalogue_api.FocusAreaViewSet, basename="focus-area")
router.register("periods", period_api.PeriodViewSet, basename="period")
router.register("plans", catalogue_api.PlanViewSet, basename="plan")
router.register("commitments", status_api.CommitmentViewSet, basename="commitment")
# issue 22: new editions of the plans (secretariat only)
router.register("plan-editions", edition_api.PlanEditionViewSet, basename="plan-edition")
router.register("status-updates", status_api.StatusUpdateViewSet, basename="status-update")
router.register(
    "spreadsheet-uploads", spreadsheet_api.SpreadsheetUploadViewSet, basename="spreadsheet-upload"
)
# Context beside the commitments (issue 13): indicators and funding.
router.register("indicators", indicator_api.IndicatorViewSet, basename="indicator")
router.register("indicator-values", indicator_api.IndicatorValueViewSet, basename="indicator-value")
router.register("quantifications", funding_api.QuantificationViewSet, basename="quantification")
router.register("funding-lines", funding_api.FundingLineViewSet, basename="funding-line")
router.register("funding-summary", funding_api.FundingSummaryViewSet, basename="funding-summary")

# The admin in the site's name and the reader's language (not "Django administration").
admin.site.site_header = _("MIRPS monitor — administration")
admin.site.site_title = _("MIRPS monitor administration")
admin.site.index_title = _("Data, accounts and national teams")

urlpatterns = [
    path("health/", health, name="health"),
    path("", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("funding/", include("funding.urls")),
    path("releases/", include("releases.urls")),
    path("workspace/indicators/", include("indicators.urls")),
    path("workspace/", include("workspace.urls")),
    path("workspace/", include("commitments.urls")),
    path("workspace/", include("periods.urls")),
    path("workspace/", include("spreadsheets.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/progress/", ProgressView.as_view(), name="api-progress"),
    path("api/v1/releases/", ReleaseListView.as_view(), name="api-releases"),
    path(
        "api/v1/releases/<str:period>/<str:version>/",
        ReleaseDetailView.as_view(),
        name="api-release",
    ),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api-auth/", include("rest_framework.urls")),
]

handler400 = "mirps.views.bad_request"
handler403 = "mirps.views.permission_denied"
handler404 = "mirps.views.page_not_found"
handler500 = "mirps.views.server_error"
