"""The public Releases pages, the files at their stable addresses, and the Atom feed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from countries.decorators import secretariat_view
from countries.permissions import is_secretariat
from mirps import jobs
from releases import files as release_files
from releases import selectors, services
from releases.models import Release

# A published file never changes: readers and caches may keep it for good.
IMMUTABLE = "public, max-age=31536000, immutable"


@require_GET
def releases_page(request):
    building = list(selectors.in_progress())
    if settings.JOBS_EMBEDDED_WORKER and not jobs.worker_running():
        # `make run`: a job queued before this server started runs now; a build that a stopped
        # server left half done (no other worker exists then) starts again
        for release in building:
            if release.state == Release.State.BUILDING:
                services.requeue(release)
        if building:
            jobs.ensure_worker()
    staff = is_secretariat(request.user)
    return render(
        request,
        "releases/list.html",
        {
            "periods": selectors.by_period(),
            "building": [r for r in building if r.state != Release.State.FAILED or staff],
            "refresh": any(r.state != Release.State.FAILED for r in building),
            "staff": staff,
        },
    )


@require_GET
def release_page(request, period, version):
    release = selectors.get_published(period, version)
    if release is None:
        raise Http404(_("No such release."))
    return render(
        request,
        "releases/detail.html",
        {
            "release": release,
            "files": selectors.ordered_files(release),
            "errata": release.errata[:200],
            "citation": release_files.cite(
                release.period.code, release.version, release.published_at.date(), release.address
            ),
        },
    )


@require_GET
def release_file(request, period, version, name):
    """A file of a published release, at its stable address: the same bytes for good."""
    release = selectors.get_published(period, version)
    row = None
    if release is not None:
        row = next((f for f in release.files.all() if f.name == name), None)
    if row is None:
        raise Http404(_("No such file."))
    etag = f'"{row.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = FileResponse(
            default_storage.open(row.file.name, "rb"),
            content_type=row.media_type + ("; charset=utf-8" if _is_text(row) else ""),
            as_attachment=name.endswith(".zip"),
            filename=name.rsplit("/", 1)[-1],
        )
        response["Content-Length"] = str(row.size)
        response["Digest"] = f"sha-256={_b64(row.sha256)}"
        response["X-Checksum-SHA256"] = row.sha256
    response["ETag"] = etag
    response["Cache-Control"] = IMMUTABLE
    return response


def _is_text(row) -> bool:
    return not row.name.endswith(".zip")


def _b64(hexdigest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hexdigest)).decode()


@require_POST
@secretariat_view
def release_retry(request, pk):
    release = get_object_or_404(Release, pk=pk)
    release = services.retry(release)
    if release.state == Release.State.PUBLISHED:
        messages.success(request, _("Release published."))
    elif release.state == Release.State.FAILED:
        messages.error(request, _("The release failed again: %(error)s") % {"error": release.error})
    else:
        messages.info(request, _("The release is being built."))
    return redirect("releases")


class ReleasesFeed(Feed):
    """New releases, newest first (Atom)."""

    feed_type = Atom1Feed
    title = gettext_lazy("MIRPS commitment monitor: open-data releases")
    subtitle = gettext_lazy(
        "Each locked reporting period published once as files that never change; a "
        "correction is a new version with its errata."
    )

    def link(self):
        return reverse("releases")

    def items(self):
        return selectors.published()[:50]

    def item_title(self, item):
        return _("Period %(period)s, version %(version)s") % {
            "period": item.period.code,
            "version": item.version,
        }

    def item_description(self, item):
        text = _("%(n)s commitments; %(size)s bytes.") % {
            "n": item.commitments,
            "size": item.size,
        }
        if item.minor:
            text += " " + _("Errata: %(n)s figures changed.") % {"n": len(item.errata)}
            if item.reason:
                text += " " + _("Reason: %(reason)s") % {"reason": item.reason}
        return text

    def item_link(self, item):
        return reverse("release", args=[item.period.code, item.version])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_guid(self, item):
        return f"mirps-release-{item.period.code}-{item.version}"

    item_guid_is_permalink = False
