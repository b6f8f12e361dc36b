"""Releases: a locked period's figures, published once as files that never change.

A ``Release`` is one version (``1.0``, ``1.1``…) of one period; its ``ReleaseFile`` rows name
the files in the configured storage with their size and SHA-256. A release is public only
once ``published``: its files are all written first, then its rows are saved in one
transaction, so a reader never meets half a release. Nothing here is ever updated after it is
published (the builder refuses to touch a published release).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from periods.models import ReportingPeriod


class ReleaseQuerySet(models.QuerySet):
    def published(self) -> ReleaseQuerySet:
        return self.filter(state=Release.State.PUBLISHED)

    def newest_first(self) -> ReleaseQuerySet:
        return self.order_by("-period__end_date", "-period__start_date", "-major", "-minor")


class Release(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Being built")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        # the figures were those of the period's latest release: nothing new to publish
        UNCHANGED = "unchanged", _("Unchanged")

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="releases", verbose_name=_("period")
    )
    major = models.PositiveSmallIntegerField(_("major version"), default=1)
    # given when the build knows it publishes something new (null until then)
    minor = models.PositiveSmallIntegerField(_("minor version"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=60, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    commitments = models.PositiveIntegerField(_("commitments"), default=0)
    # the reasons given when the period was unlocked since the previous version
    reason = models.TextField(_("why a new version"), blank=True)
    # figures that differ from the previous version of the period (errata.csv)
    errata = models.JSONField(_("errata"), default=list, blank=True)
    # counts by kind of change from the previous period's latest release (changes.csv)
    changes = models.JSONField(_("changes from the previous period"), default=dict, blank=True)
    # SHA-256 of the data tables alone: a build that finds the latest one's is UNCHANGED
    content_sha256 = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["period__end_date", "period__start_date", "major", "minor", "id"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "major", "minor"], name="release_period_version"
            ),
            models.CheckConstraint(
                condition=~Q(state="published")
                | Q(minor__isnull=False, published_at__isnull=False),
                name="release_published_has_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period.code} {self.version or '…'}"

    @property
    def version(self) -> str:
        return "" if self.minor is None else f"{self.major}.{self.minor}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def address(self) -> str:
        """The release's page, absolute: the address its files and citation give."""
        path = reverse("release", args=[self.period.code, self.version])
        return settings.SITE_URL.rstrip("/") + path


def release_path(instance: ReleaseFile, filename: str) -> str:
    return filename  # the builder gives the whole path


class ReleaseFile(models.Model):
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(_("name"), max_length=120)  # e.g. csv/statuses.csv
    file = models.FileField(_("file"), upload_to=release_path, max_length=300)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    media_type = models.CharField(_("media type"), max_length=80)

    class Meta:
        ordering = ["release_id", "name"]
        verbose_name = _("release file")
        verbose_name_plural = _("release files")
        constraints = [
            models.UniqueConstraint(fields=["release", "name"], name="release_file_name"),
        ]

    def __str__(self) -> str:
        return f"{self.release} {self.name}"
