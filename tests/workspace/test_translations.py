"""The Spanish working translation of a commitment: shown first to Spanish readers and marked,
edited by the secretariat only, through the audited service, with its history on the page;
and the workspace list's search and paging."""

import re

import pytest
from django.test import Client

from audit.models import ChangeEvent
from commitments.forms import text_fingerprint
from commitments.models import Commitment
from commitments.services import load_plans

pytestmark = pytest.mark.django_db

URL = "/workspace/commitments/{code}/translation/"


@pytest.fixture
def gtm(plans):
    return Commitment.objects.get(code="GTM-PRO-01")


def post_text(client, commitment, text, seen=None):
    return client.post(
        URL.format(code=commitment.code),
        {"text_es": text, "seen": seen or text_fingerprint(commitment.text_es)},
    )


def test_the_secretariat_edits_the_spanish_text_with_history(client, people, gtm):
    # Given sofia (secretariat) on the translation form
    client.force_login(people["sofia"])
    page = client.get(URL.format(code=gtm.code)).content.decode()
    assert gtm.text in page and gtm.text_es in page
    old = gtm.text_es
    # When she saves a corrected text
    response = post_text(client, gtm, "  Fortalecer la capacidad del Instituto de Migración.  ")
    # Then it is saved (trimmed), the printed text is untouched, and the edit is audited
    assert response.status_code == 302 and response.url.endswith("#texts")
    gtm.refresh_from_db()
    assert gtm.text_es == "Fortalecer la capacidad del Instituto de Migración."
    assert gtm.text.startswith("Strengthen") and gtm.translation_edited_at is not None
    event = ChangeEvent.objects.get(commitment=gtm, comment="text_es")
    assert (event.old_value, event.new_value) == (old, gtm.text_es)
    assert (event.user, event.route) == (people["sofia"], "web")
    # and the commitment page shows the history, old and new
    detail = client.get(f"/workspace/commitments/{gtm.code}/").content.decode()
    assert "Edits of the Spanish text and the classification" in detail
    assert f"<del>{old}</del>" in detail and f"<ins>{gtm.text_es}</ins>" in detail
    assert "Edit the Spanish text" in detail


@pytest.mark.parametrize("who", ["gabriel", "pat"])
def test_national_teams_and_others_may_not_edit_it(client, people, gtm, who):
    client.force_login(people[who])
    assert client.get(URL.format(code=gtm.code)).status_code == 403
    assert post_text(client, gtm, "Otro texto.").status_code == 403
    assert (
        "Edit the Spanish text"
        not in client.get(f"/workspace/commitments/{gtm.code}/").content.decode()
    )
    gtm.refresh_from_db()
    assert gtm.text_es != "Otro texto." and gtm.translation_edited_at is None
    assert not ChangeEvent.objects.filter(commitment=gtm).exists()


def test_the_public_is_sent_to_sign_in(gtm):
    response = Client().post(URL.format(code=gtm.code), {"text_es": "x", "seen": "x"})
    assert response.status_code == 302 and "login" in response.url
    gtm.refresh_from_db()
    assert gtm.text_es != "x"


def test_a_text_changed_meanwhile_or_too_long_is_refused_and_nothing_written(client, people, gtm):
    client.force_login(people["sofia"])
    before = gtm.text_es
    stale = post_text(client, gtm, "Mi versión.", seen=text_fingerprint("what I saw"))
    assert stale.status_code == 200
    assert "Someone changed this Spanish text" in stale.content.decode()
    too_long = post_text(client, gtm, "a" * (Commitment.TEXT_ES_MAX_LENGTH + 1))
    html = too_long.content.decode()
    assert too_long.status_code == 200 and "the limit is 2000" in html
    assert "a" * (Commitment.TEXT_ES_MAX_LENGTH + 1) in html  # kept in the form, never cut
    gtm.refresh_from_db()
    assert gtm.text_es == before and not ChangeEvent.objects.filter(commitment=gtm).exists()


def test_the_admin_edits_it_through_the_same_service(client, people, gtm):
    client.force_login(people["sofia"])
    people["sofia"].is_staff = True
    people["sofia"].save()
    url = f"/admin/commitments/commitment/{gtm.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(text_es="Texto desde el admin.", pillar=gtm.pillar_id)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    gtm.refresh_from_db()
    assert gtm.text_es == "Texto desde el admin." and gtm.translation_edited_at is not None
    assert ChangeEvent.objects.get(commitment=gtm, comment="text_es").route == "admin"
    # the admin's search is the site's: Spanish, without accents
    found = client.get("/admin/commitments/commitment/", {"q": "MIGRACION"}).context["cl"]
    assert found.result_count == Commitment.objects.search("migración").count() > 3


def test_the_reader_s_language_leads_and_the_translation_is_marked(people, gtm):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(people["sofia"])
    es = client.get(f"/workspace/commitments/{gtm.code}/").content.decode()
    assert es.index(gtm.text_es) < es.index(gtm.text)
    assert "traducción de trabajo" in es and "Texto impreso (inglés):" in es
    en = Client(HTTP_ACCEPT_LANGUAGE="en")
    en.force_login(people["sofia"])
    html = en.get(f"/workspace/commitments/{gtm.code}/").content.decode()
    assert html.index(gtm.text) < html.index(gtm.text_es)
    assert "Spanish (working translation):" in html
    # the pillar's reason in the reader's language
    assert gtm.pillar_rationale_es in es and gtm.pillar_rationale in html
    for url in (
        "/workspace/commitments/?q=asilo",
        "/workspace/countries/GTM/matrix/",
        "/workspace/review/",
    ):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("q", ["asilo", "ASILO", "migracion", "MIGRACIÓN", "Migración"])
def test_the_workspace_list_searches_both_languages(client, people, q):
    client.force_login(people["sofia"])
    html = client.get("/workspace/commitments/", {"q": q}).content.decode()
    codes = set(
        re.findall(r'class="code"><a href="/workspace/commitments/([A-Z]{3}-[A-Z]{3}-\d{2})/', html)
    )
    expected = set(Commitment.objects.search(q).values_list("code", flat=True))
    assert codes == expected and len(codes) > 3
    assert f'value="{q}"' in html  # the search stays in the box


def test_the_workspace_list_pages_with_counts_and_keeps_the_filters(client, people):
    client.force_login(people["sofia"])
    html = client.get("/workspace/commitments/", {"q": "a", "country": ""}).content.decode()
    total = Commitment.objects.search("a").count()
    assert total > 50
    assert f"1–50 of {total}" in html
    assert "?q=a&amp;country=&amp;page=2" in html


PLAN_URL = "/workspace/plans/GTM/2021/translation/"


def test_the_secretariat_edits_a_plan_s_spanish_title_and_summary_with_history(client, people):
    from commitments.forms import text_fingerprint
    from commitments.models import NationalPlan

    plan = NationalPlan.objects.get(country__iso3="GTM", edition="2021")
    old_title = plan.title_es
    client.force_login(people["gabriel"])
    assert client.get(PLAN_URL).status_code == 403
    client.force_login(people["sofia"])
    seen = text_fingerprint(plan.title_es + "\n" + plan.summary_es)
    response = client.post(
        PLAN_URL, {"title_es": "Plan de Guatemala", "summary_es": plan.summary_es, "seen": seen}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title_es == "Plan de Guatemala" and plan.translation_edited_at is not None
    assert plan.title_en.startswith("MIRPS National Action Plan 2021")  # printed, untouched
    event = ChangeEvent.objects.get(plan=plan)
    assert (event.comment, event.old_value, event.new_value) == (
        "title_es",
        old_title,
        "Plan de Guatemala",
    )
    page = client.get(PLAN_URL).content.decode()
    assert f"<del>{old_title}</del>" in page and "<ins>Plan de Guatemala</ins>" in page
    # load_plans keeps the edit
    load_plans()
    plan.refresh_from_db()
    assert plan.title_es == "Plan de Guatemala"


def test_the_admin_edits_a_plan_s_spanish_text_through_the_service(client, people):
    from commitments.models import NationalPlan

    plan = NationalPlan.objects.get(country__iso3="HND", edition="2021")
    # plans are changed in the admin by superusers only (the Secretariat group may not)
    people["sofia"].is_staff = people["sofia"].is_superuser = True
    people["sofia"].save()
    client.force_login(people["sofia"])
    url = f"/admin/commitments/nationalplan/{plan.pk}/change/"
    response = client.get(url)
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(summary_es="Resumen revisado.", country=plan.country_id)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
        for inline in formset.formset.forms:
            data[f"{inline.prefix}-id"] = inline.instance.pk
            data[f"{inline.prefix}-plan"] = plan.pk
            for name in inline.fields:
                value = inline.initial.get(name)
                if value is not None:
                    data[f"{inline.prefix}-{name}"] = value
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
        [f.formset.non_form_errors() for f in response.context["inline_admin_formsets"]],
    )
    plan.refresh_from_db()
    assert plan.summary_es == "Resumen revisado." and plan.translation_edited_at
    assert ChangeEvent.objects.get(plan=plan, comment="summary_es").route == "admin"
