"""Releases in the API: ``GET /api/v1/releases/`` and ``/api/v1/releases/<period>/<version>/``."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from releases import selectors


class ReleaseFileSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Path inside the release, e.g. csv/statuses.csv")
    url = serializers.CharField(help_text="Its stable address: the same bytes for good")
    size = serializers.IntegerField(help_text="Bytes")
    sha256 = serializers.CharField(help_text="SHA-256 of the file, hex")
    media_type = serializers.CharField()


class ErratumSerializer(serializers.Serializer):
    file = serializers.CharField()
    row = serializers.CharField(help_text="The row's key")
    column = serializers.CharField()
    before = serializers.CharField(allow_blank=True)
    after = serializers.CharField(allow_blank=True)
    previous_version = serializers.CharField()
    reason = serializers.CharField(allow_null=True)


class ReleaseSerializer(serializers.Serializer):
    period = serializers.CharField(source="period.code")
    version = serializers.CharField()
    published_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text="The release's page")
    api_url = serializers.SerializerMethodField()
    zip = serializers.SerializerMethodField(help_text="Address of the zip of every file")
    datapackage = serializers.SerializerMethodField(help_text="Address of datapackage.json")
    commitments = serializers.IntegerField()
    size = serializers.IntegerField(help_text="Bytes, every file")
    reason = serializers.CharField(
        allow_blank=True, help_text="Why the period was unlocked before this version"
    )
    errata_count = serializers.SerializerMethodField()
    changes = serializers.JSONField(
        help_text="previous_period, previous_version compared with, and counts by kind of "
        "change (changes.csv)"
    )

    def _abs(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, obj) -> str:
        return self._abs(reverse("release", args=[obj.period.code, obj.version]))

    def get_api_url(self, obj) -> str:
        return self._abs(reverse("api-release", args=[obj.period.code, obj.version]))

    def _file(self, obj, name):
        return self._abs(reverse("release-file", args=[obj.period.code, obj.version, name]))

    def get_zip(self, obj) -> str:
        return self._file(obj, f"mirps-{obj.period.code}-{obj.version}.zip")

    def get_datapackage(self, obj) -> str:
        return self._file(obj, "datapackage.json")

    def get_errata_count(self, obj) -> int:
        return len(obj.errata)


class ReleaseDetailSerializer(ReleaseSerializer):
    files = serializers.SerializerMethodField()
    errata = ErratumSerializer(many=True)

    @extend_schema_field(ReleaseFileSerializer(many=True))
    def get_files(self, obj) -> list[dict]:
        return [
            {
                "name": f.name,
                "url": self._file(obj, f.name),
                "size": f.size,
                "sha256": f.sha256,
                "media_type": f.media_type,
            }
            for f in selectors.ordered_files(obj)
        ]


class ReleaseListView(APIView):
    """Every published release, newest period first, newest version first. A release never
    changes: a correction is a new version of its period, with its errata."""

    @extend_schema(responses=ReleaseSerializer(many=True))
    def get(self, request):
        releases = list(selectors.published())
        return Response(ReleaseSerializer(releases, many=True, context={"request": request}).data)


class ReleaseDetailView(APIView):
    """One published release: its files (stable addresses, sizes, SHA-256) and errata."""

    @extend_schema(responses=ReleaseDetailSerializer)
    def get(self, request, period, version):
        release = selectors.get_published(period, version)
        if release is None:
            raise NotFound()
        return Response(ReleaseDetailSerializer(release, context={"request": request}).data)
