"""The project's URLs plus a trivial view: the ceiling a cached page is compared with (the same
middleware, no template, no cache, no query)."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), path("", include("mirps.urls"))]
