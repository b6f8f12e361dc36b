"""Limited texts (issue 19): the browser never cuts them (no maxlength); the limit and a count
are shown beside every limited box; a longer text is refused with the rule's message and kept
in the form. The narrative's rule has one home (the write service's ``check_changes`` and its
message), used by the form, the API and the sheets."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from commitments.models import Commitment, NationalPlan
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from statuses.services import narrative_too_long_message, record_status
from tests import cast as casts
from tests.cast import client_in

# Guatemala's team and the secretariat (formerly tests/forms/conftest.py).
people = casts.team_and_secretariat


pytestmark = pytest.mark.django_db

LIMITED_PAGES = [
    # (who, url, field name, limit)
    ("gabriel", "/workspace/commitments/GTM-PRO-01/?period=2025", "narrative", 5000),
    ("gabriel", "/workspace/countries/GTM/matrix/?period=2025", "form-0-narrative", 5000),
    ("sofia", "/workspace/review/", "comment", 2000),
    ("sofia", "/workspace/commitments/GTM-PRO-01/translation/", "text_es", 2000),
    ("sofia", "/workspace/plans/GTM/2021/translation/", "summary_es", 5000),
]


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize(("who", "url", "name", "limit"), LIMITED_PAGES)
def test_every_limited_box_shows_its_limit_and_count_and_has_no_maxlength(
    people, who, url, name, limit, language
):
    if "review" in url:  # something to review, so the rows' boxes are there too
        record_status(
            commitment=Commitment.objects.get(code="GTM-PRO-02"),
            period=ReportingPeriod.objects.get(code="2025"),
            status=1,
            narrative="n",
            user=people["gabriel"],
        )
    html = client_in(language, people[who]).get(url).content.decode()
    boxes = re.findall(rf'<textarea[^>]*name="{name}"[^>]*>', html)
    assert boxes, html[:500]
    for box in boxes:
        assert "maxlength" not in box
        assert f'data-limit="{limit}"' in box
        box_id = re.search(r'id="([^"]+)"', box).group(1)
        assert f'aria-describedby="{box_id}-count"' in box or f'{box_id}-count"' in box
        counter = re.search(
            rf'<span class="char-count[^"]*" id="{box_id}-count"[^>]*>([^<]*)<', html
        )
        assert counter, box_id
        words = {"es": f"de {limit} caracteres", "en": f"of {limit} characters"}[language]
        assert words in counter.group(1)
    # no maxlength anywhere on these pages' text boxes
    assert not re.search(r"<textarea[^>]*maxlength", html)


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_long_narrative_is_refused_and_kept_in_the_form(people, language):
    text = "Avance. " * 640  # 5,120 characters
    client = client_in(language, people["gabriel"])
    response = client.post(
        f"{reverse('workspace-commitment', args=['GTM-PRO-01'])}?period=2025",
        {"status": 2, "narrative": text, "base_version": 0},
    )
    html = response.content.decode()
    assert response.status_code == 200
    said = {"es": "el límite es 5000", "en": "the limit is 5000"}[language]
    assert said in html
    assert text.strip() in html  # every character, never cut
    assert not StatusUpdate.objects.exists()
    # the counter, rendered by the server, already says how many are too many
    over = {"es": "sobran 120", "en": "120 too many"}[language]
    assert over in html


def test_the_matrix_refuses_a_long_narrative_on_its_row_with_the_text_kept(people):
    client = client_in("en", people["gabriel"])
    url = "/workspace/countries/GTM/matrix/?period=2025"
    page = client.get(url)
    total = int(re.search(r'name="form-TOTAL_FORMS" value="(\d+)"', page.content.decode())[1])
    data = {"form-TOTAL_FORMS": total, "form-INITIAL_FORMS": total}
    for i, row in enumerate(page.context["table"]):
        data[f"form-{i}-commitment"] = row["row"].commitment.code
        data[f"form-{i}-base_version"] = row["row"].commitment.version or 0
    long = "x" * 5001
    data.update({"form-0-status": 2, "form-0-narrative": long})
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "the limit is 5000" in html and long in html
    assert not StatusUpdate.objects.exists()


def test_the_api_says_the_same_as_the_form(people):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(people["gabriel"])
    response = api.post(
        "/api/v1/status-updates/",
        {"commitment": "GTM-PRO-01", "period": "2025", "status": 2, "narrative": "x" * 5001},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["narrative"] == [str(narrative_too_long_message(5001))]


def test_the_plan_summary_limit_is_said_and_nothing_saved(people):
    plan = NationalPlan.objects.get(country__iso3="GTM", edition="2021")
    before = plan.summary_es
    client = client_in("en", people["sofia"])
    url = "/workspace/plans/GTM/2021/translation/"
    form = client.get(url).context["form"]
    long = "y" * 5001
    response = client.post(
        url, {"title_es": plan.title_es, "summary_es": long, "seen": form.initial["seen"]}
    )
    html = response.content.decode()
    assert "the limit is 5000" in html and long in html
    plan.refresh_from_db()
    assert plan.summary_es == before
