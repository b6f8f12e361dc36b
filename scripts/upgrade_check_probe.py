"""The figures the upgrade check (``scripts/upgrade_check.py``) compares before and after the
upgrade: the answers of the public progress API (``/api/v1/progress/``) for every period and
grouping, a few filters, in both languages, as JSON. Run by ``manage.py shell`` in either
release's checkout (it only asks the API over Django's test client, which both releases
serve alike); writes to the file named by ``UPGRADE_CHECK_PROBE``.
"""

from __future__ import annotations

import json
import os

from django.apps import apps
from django.core.cache import cache
from django.test import Client


def _periods():
    # the model is in ``periods`` since issue 20, in ``commitments`` before: the label says
    label = "periods" if apps.is_installed("periods") else "commitments"
    return apps.get_model(label, "ReportingPeriod").objects


GROUPINGS = ["", "pillar", "country", "focus_area", "country,pillar", "focus_area,pillar"]
FILTERS = [{"country": "GTM"}, {"pillar": "2"}, {"focus_area": "EDU"}, {"country": "HND"}]


def queries() -> list[dict]:
    periods = [""] + list(_periods().order_by("end_date", "start_date").values_list(
        "code", flat=True
    ))  # fmt: skip
    result = [{"by": by, "period": period} for period in periods for by in GROUPINGS]
    result += [{"by": "pillar", "period": "2025", **extra} for extra in FILTERS]
    return result


def probe() -> dict:
    cache.clear()  # the figures as computed now, never an answer cached by the other release
    client = Client(HTTP_HOST="127.0.0.1")
    answers = {}
    for language in ("en", "es"):
        for query in queries():
            response = client.get(
                "/api/v1/progress/", {**query, "lang": language}, HTTP_ACCEPT_LANGUAGE=language
            )
            key = f"{language} " + "&".join(f"{k}={v}" for k, v in query.items())
            answers[key] = {"status": response.status_code, "json": response.json()}
    return answers


with open(os.environ["UPGRADE_CHECK_PROBE"], "w", encoding="utf-8") as out:
    json.dump(probe(), out, indent=1, sort_keys=True, ensure_ascii=False)
