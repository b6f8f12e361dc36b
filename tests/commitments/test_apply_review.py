"""fixtures/apply_review.py: merges review files into the plans' JSON, all or nothing, and
lists every pillar the reading changed."""

import copy
import importlib.util
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
spec = importlib.util.spec_from_file_location("apply_review", FIXTURES / "apply_review.py")
apply_review = importlib.util.module_from_spec(spec)
spec.loader.exec_module(apply_review)


@pytest.fixture
def data():
    return json.loads((FIXTURES / "plans_2021.json").read_text(encoding="utf-8"))


def review_of(data, iso3):
    plan = next(p for p in data["plans"] if p["country"] == iso3)
    return {
        "country": iso3,
        "title_en": "Plan (Belize)",
        "title_es": "Plan (Belice)",
        "summary_es": "Resumen.",
        "commitments": [
            {
                "code": c["code"],
                "text_es": f"Texto {c['code']}",
                "pillar": 4,
                "previous_pillar": c["pillar"],
                "reason_en": "Read: a durable solution.",
                "reason_es": "Leído: una solución duradera.",
            }
            for c in plan["commitments"]
        ],
    }


def test_a_review_is_merged_and_the_changes_listed(data, tmp_path):
    review = review_of(data, "BLZ")
    (tmp_path / "es_BLZ.json").write_text(json.dumps(review), encoding="utf-8")
    apply_review.merge(data, apply_review.read_reviews(tmp_path))
    blz = next(p for p in data["plans"] if p["country"] == "BLZ")
    assert blz["title_es"] == "Plan (Belice)" and blz["summary_es"] == "Resumen."
    first = blz["commitments"][0]
    assert first["text_es"] == f"Texto {first['code']}" and first["pillar"] == 4
    assert first["pillar_rationale_es"] == "Leído: una solución duradera."
    assert first["text"].startswith("Capacity building")  # the printed text is untouched
    section = apply_review.pillar_section(data)
    moved = [c["code"] for c in blz["commitments"] if c["code"] in section]
    keyword = {
        c["code"]: apply_review.classify(c["text"], c["focus_area"])[0] for c in blz["commitments"]
    }
    assert moved == [code for code, pillar in keyword.items() if pillar != 4]
    # merging again changes nothing
    again = copy.deepcopy(data)
    apply_review.merge(again, apply_review.read_reviews(tmp_path))
    assert again == data


@pytest.mark.parametrize(
    "spoil",
    [
        lambda r: r["commitments"].pop(),  # a commitment left out
        lambda r: r["commitments"].append({**r["commitments"][0], "code": "BLZ-PRO-99"}),
        lambda r: r["commitments"][0].update(pillar=5),
        lambda r: r["commitments"][0].update(reason_es=""),
    ],
)
def test_a_bad_review_is_refused_and_nothing_merged(data, tmp_path, spoil):
    review = review_of(data, "BLZ")
    spoil(review)
    (tmp_path / "es_BLZ.json").write_text(json.dumps(review), encoding="utf-8")
    before = copy.deepcopy(data)
    with pytest.raises(apply_review.ReviewError):
        apply_review.merge(data, apply_review.read_reviews(tmp_path))
    assert data == before
