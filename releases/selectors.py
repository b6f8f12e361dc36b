"""Reads of releases (plain data for the pages, the API and the feed)."""

from __future__ import annotations

from periods.models import ReportingPeriod
from releases.models import Release

# The files a reader reaches first, in this order (the rest are listed under them).
MAIN_FILES = ["datapackage.json", "README.md", "CITATION.cff"]


def published():
    return Release.objects.published().select_related("period").newest_first()


def get_published(period_code: str, version: str) -> Release | None:
    """The published release ``version`` ("1.0") of ``period_code``, or None."""
    major, _, minor = version.partition(".")
    if not (major.isdigit() and minor.isdigit()):
        return None
    return (
        published()
        .filter(period__code=period_code, major=int(major), minor=int(minor))
        .prefetch_related("files")
        .first()
    )


def latest_of(period: ReportingPeriod | None) -> Release | None:
    """The latest published release of a period (what its figures are cited from). One query."""
    if period is None:
        return None
    return published().filter(period=period).first()


def in_progress():
    """Releases queued, being built or failed (not yet published), newest first."""
    return (
        Release.objects.filter(
            state__in=[Release.State.QUEUED, Release.State.BUILDING, Release.State.FAILED]
        )
        .select_related("period")
        .order_by("-requested_at", "-id")
    )


def by_period() -> list[dict]:
    """Every period with published releases, newest first, each with its versions (newest
    first) and their files. Two queries."""
    releases = list(published().prefetch_related("files"))
    periods: dict[int, dict] = {}
    for release in releases:
        entry = periods.setdefault(release.period_id, {"period": release.period, "releases": []})
        entry["releases"].append(release)
    return list(periods.values())


def zip_file(release: Release):
    return next((f for f in release.files.all() if f.name.endswith(".zip")), None)


def ordered_files(release: Release) -> list:
    files = list(release.files.all())
    first = [f for name in MAIN_FILES for f in files if f.name == name]
    zips = [f for f in files if f.name.endswith(".zip")]
    rest = [f for f in files if f not in first and f not in zips]
    return zips + first + sorted(rest, key=lambda f: f.name)
