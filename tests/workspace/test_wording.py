"""Issue 11: wording in both languages: labels built at import time follow each request's
language, counts take the singular or plural, "Open" the verb is not "Open" the state."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from commitments.models import Commitment
from periods.models import ReportingPeriod
from statuses.models import StatusUpdate
from statuses.services import record_status
from workspace.forms import CommitmentFilterForm, MatrixRowForm, StatusForm


def test_status_choices_are_translated_per_request_not_at_import():
    # the module is loaded once, whatever language was active then
    choices = dict(StatusForm().fields["status"].choices)
    with translation.override("en"):
        assert str(choices["2"]) == "2 · Being implemented (40%)"
        filters = dict(CommitmentFilterForm().fields["status"].choices)
        assert str(filters["5"]) == "5 · Completed"
    with translation.override("es"):
        assert str(choices["2"]) == "2 · En implementación (40%)"
        assert str(dict(MatrixRowForm().fields["status"].choices)["0"]) == "0 · No iniciado"


@pytest.mark.parametrize(
    "language, label",
    [("en", "2 · Being implemented (40%)"), ("es", "2 · En implementación (40%)")],
)
def test_workspace_filter_shows_status_labels_in_the_readers_language(people, language, label):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(people["sofia"])
    html = client.get(reverse("workspace-commitments")).content.decode()
    assert f">{label}</option>" in html
    other = "2 · En implementación (40%)" if language == "en" else "2 · Being implemented (40%)"
    assert other not in html


def test_period_button_is_the_verb_and_the_badge_the_state(people):
    ReportingPeriod.objects.get_or_create(
        code="2024",
        defaults={"kind": "annual", "start_date": "2024-01-01", "end_date": "2024-12-31"},
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(people["sofia"])
    html = client.get(reverse("periods")).content.decode()
    assert "Abrir el período</button>" in html
    assert '<span class="badge approved">Abierto</span>' in html
    assert ">Abierto</button>" not in html


@pytest.mark.parametrize(
    "n, language, expected",
    [
        (1, "en", "1 update returned."),
        (2, "en", "2 updates returned."),
        (1, "es", "1 actualización devuelta."),
        (2, "es", "2 actualizaciones devueltas."),
    ],
)
def test_review_message_takes_singular_or_plural(people, n, language, expected):
    period, _ = ReportingPeriod.objects.get_or_create(
        code="2024",
        defaults={"kind": "annual", "start_date": "2024-01-01", "end_date": "2024-12-31"},
    )
    ids = [
        record_status(
            commitment=Commitment.objects.get(code=code),
            period=period,
            status=2,
            narrative="n",
            user=people["hugo"],
        ).pk
        for code in ["HND-PRO-01", "HND-PRO-02"][:n]
    ]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(people["sofia"])
    response = client.post(
        reverse("review-queue"),
        {"update": ids, "action": "return", "comment": "Which budget line?"},
        follow=True,
    )
    assert expected in response.content.decode()
    assert StatusUpdate.objects.filter(review_state="returned").count() == n


@pytest.mark.parametrize(
    "n, language, expected",
    [
        (1, "es", "1 pendiente de revisión"),
        (2, "es", "2 pendientes de revisión"),
        (1, "en", "1 awaiting review"),
    ],
)
def test_workspace_counts_take_singular_or_plural(people, n, language, expected):
    period, _ = ReportingPeriod.objects.get_or_create(
        code="2024",
        defaults={"kind": "annual", "start_date": "2024-01-01", "end_date": "2024-12-31"},
    )
    for code in ["HND-PRO-01", "HND-PRO-02"][:n]:
        record_status(
            commitment=Commitment.objects.get(code=code),
            period=period,
            status=2,
            narrative="n",
            user=people["hugo"],
        )
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(people["sofia"])
    html = " ".join(client.get(reverse("workspace-commitments")).content.decode().split())
    assert expected in html


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "the pillar are the ones loaded with the plans."),
        ("es", "el pilar son los que se cargaron con los planes."),
    ],
)
def test_a_commitment_never_edited_says_so_without_a_repository_path(people, language, said):
    """A national team read "(fixtures/README.md)", a file of the code, on a commitment's page."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(people["gabriel"])
    html = client.get(reverse("workspace-commitment", args=["GTM-PRO-01"])).content.decode()
    assert said in html
    assert "README" not in html and "fixtures" not in html


def test_the_trackers_columns_are_counts_in_the_plural(people):
    """The tracker's headings read "Enviados, Aprobado, Pendiente de revisión, Devuelto,
    Tardíos": counts of statuses, so all in the plural, as "Enviados" and "Tardíos" were."""
    ReportingPeriod.objects.get_or_create(
        code="2024",
        defaults={"kind": "annual", "start_date": "2024-01-01", "end_date": "2024-12-31"},
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(people["sofia"])
    html = client.get(reverse("workspace")).content.decode()
    for heading in ("Enviados", "Aprobados", "Pendientes de revisión", "Devueltos", "Tardíos"):
        assert f'<th scope="col" class="num">{heading}</th>' in html, heading
    tabs = client.get(reverse("tracker-country", args=["GTM"])).content.decode()
    assert "Devueltos" in tabs and "Aprobados" in tabs


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("en", "Narrative: what was done, by whom, what is left"),
        ("es", "Narrativa: qué se hizo, quién lo hizo, qué falta"),
    ],
)
def test_the_matrixs_narrative_box_says_what_goes_in_it(people, language, hint):
    """The box under each row's new status had no visible label, though a status changed without
    it is refused with "Explain the change in the narrative"."""
    ReportingPeriod.objects.get_or_create(
        code="2024",
        defaults={"kind": "annual", "start_date": "2024-01-01", "end_date": "2024-12-31"},
    )
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(people["gabriel"])
    html = client.get(reverse("country-matrix", args=["GTM"])).content.decode()
    rows = Commitment.objects.filter(country__iso3="GTM").in_force(dt.date(2024, 12, 31)).count()
    assert rows > 0 and html.count(f'placeholder="{hint}"') == rows
