"""The 2020 quantification as loaded: the figures are the printed ones (the dotted
"16.494.551" read as sixteen million), labels lost in the source say so, the gap is computed,
and the lines reconcile with the stated totals exactly as the source allows."""

import json
import shutil
from decimal import Decimal

import pytest
from django.db import models

from funding import selectors
from funding.models import Contribution, FundingLine, Quantification
from funding.services import FIXTURES_DIR, FixtureError, load_quantification
from mirps.numbers import parse_amount

SOURCE = (FIXTURES_DIR / "sources" / "000_06a2e0f263485d07.txt").read_text(encoding="utf-8")

pytestmark = pytest.mark.django_db


def test_every_figure_is_in_its_quote_and_every_quote_in_the_source(context_data):
    q = Quantification.objects.get(code="2020")
    assert q.source_quote in SOURCE
    for printed in (q.stated_requirement_as_written, q.stated_gap_as_written):
        assert printed in q.source_quote
    assert parse_amount(q.stated_requirement_as_written) == q.stated_requirement == 63152181
    assert parse_amount(q.stated_gap_as_written) == q.stated_gap == 54479442
    lines = list(FundingLine.objects.with_amounts().order_by("order"))
    assert len(lines) == 6
    for line in lines:
        assert line.source_quote in SOURCE
        assert line.requirement_as_written in line.source_quote
        assert line.gap_as_written in line.source_quote
        assert parse_amount(line.requirement_as_written) == line.requirement
        assert parse_amount(line.gap_as_written) == line.gap  # computed: requirement − funded
    assert lines[1].gap_as_written == "16.494.551" and lines[1].gap == 16494551


def test_reconciliation_gaps_add_up_exactly_requirements_do_not(context_data):
    q = selectors.quantification_dict(Quantification.objects.get(code="2020"))
    rec = q["reconciliation"]
    assert rec["lines"]["gap"] == rec["stated"]["gap"] == Decimal("54479442")
    assert rec["gap_difference"] == 0
    assert rec["lines"]["requirement"] == Decimal("63466411")
    assert rec["stated"]["requirement"] == Decimal("63152181")
    assert rec["requirement_difference"] == Decimal("314230")
    assert sum(line["gap"] for line in q["lines"]) == Decimal("54479442")


def test_lost_labels_are_never_guessed_and_the_cut_one_is_marked(context_data):
    from django.utils import translation

    lines = {line.order: line for line in FundingLine.objects.all()}
    lost = [n for n, line in lines.items() if not line.label_legible]
    assert lost == [1, 2, 5, 6]
    assert {lines[n].label for n in lost} == {"label not legible in the source"}
    assert lines[3].label == "Child protection" and not lines[3].label_completed
    social = lines[4]
    assert (social.label_as_printed, social.label_completed) == ("Social protecti", True)
    assert social.label_marked == "Social protecti[on]"  # our completion in brackets
    assert social.focus_area.code == "SOC" and "Ours" in social.focus_area_note
    with translation.override("es"):
        assert lines[1].label == "etiqueta ilegible en la fuente"
        assert lines[4].label_marked == "Protección social"
    assert {line.country_id for line in lines.values()} == {None}  # no line names a country


def test_money_is_decimal_and_the_gap_is_never_stored(context_data):
    money = [
        FundingLine._meta.get_field("requirement"),
        Contribution._meta.get_field("amount"),
        Quantification._meta.get_field("stated_requirement"),
        Quantification._meta.get_field("stated_funded"),
    ]
    assert all(isinstance(f, models.DecimalField) for f in money)
    stored = {f.name for m in (FundingLine, Contribution, Quantification) for f in m._meta.fields}
    assert not {name for name in stored if "gap" in name and "as_written" not in name}
    # funded comes from the contributions: one more contribution moves the gap
    line = FundingLine.objects.get(order=3)
    Contribution.objects.create(
        line=line, source_kind="donor", amount=Decimal("2208"), route="admin"
    )
    assert FundingLine.objects.with_amounts().get(pk=line.pk).gap == 230000


def test_loading_again_changes_nothing_and_a_wrong_reconciliation_loads_nothing(
    context_data, tmp_path
):
    before = list(Contribution.objects.values_list("pk", "amount"))
    assert load_quantification().created == load_quantification().updated == 0
    assert list(Contribution.objects.values_list("pk", "amount")) == before

    shutil.copy(FIXTURES_DIR / "quantification_2020.json", tmp_path / "quantification_2020.json")
    data = json.loads((tmp_path / "quantification_2020.json").read_text(encoding="utf-8"))
    data["reconciliation"]["requirement_difference"] = "0"  # pretends the lines add up
    data["year"] = 2021
    (tmp_path / "quantification_2020.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FixtureError, match="requirement_difference"):
        load_quantification(fixtures_dir=tmp_path)
    assert not Quantification.objects.filter(code="2021").exists()
