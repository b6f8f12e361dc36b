"""Settings for ``benchmarks/load.py``: the production settings (``DJANGO_DEV`` off) with a
trivial view to compare against, and static files served from the apps (no collectstatic)."""

from mirps.settings import *  # noqa: F403
from mirps.settings import STORAGES

ROOT_URLCONF = "benchmarks.bench_urls"
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
