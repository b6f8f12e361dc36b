"""A row for a commitment that is not of the edition in force at the period's end (a replaced
edition, or one that has not started) is a row problem saying why, in English and Spanish;
nothing of it is written, and the file's other rows apply with "apply the valid rows"."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import translation

from commitments.models import Commitment
from spreadsheets import importer
from statuses.models import StatusUpdate
from tests.builders import CountryBuilder, period, report, secretariat
from tests.editions import edition_commitment, new_edition

pytestmark = pytest.mark.django_db


def _edition(builder: CountryBuilder, name: str, starts_on: dt.date) -> Commitment:
    old = Commitment.objects.filter(plan=builder.plan).first()
    return edition_commitment(
        new_edition(builder.country, name, starts_on), f"{builder.country.iso3}{name[2:4]}-PRO-01",
        focus_area=old.focus_area, pillar=old.pillar, text=f"Edition {name}",
    )  # fmt: skip


def _sheet(rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Code", "New status", "Narrative"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_rows_of_editions_not_in_force_are_problems_saying_why():
    builder = CountryBuilder("GTM")
    replaced = builder.commitment()  # GTM-PRO-01, of the 2021 edition
    in_force = _edition(builder, "2024", dt.date(2024, 1, 1))  # GTM24-PRO-01
    later = _edition(builder, "2026", dt.date(2026, 3, 1))  # GTM26-PRO-01
    user, p2025 = secretariat(), period("2025")
    data = _sheet([
        [replaced.code, 3, "Avance"], [in_force.code, 2, "Avance"], [later.code, 1, "Avance"],
    ])  # fmt: skip
    upload = importer.create_upload(data=data, name="m.xlsx", user=user, period=p2025)
    assert upload.changed == 1 and upload.problems == 2
    first, second = upload.preview["problems"]
    assert (first["row"], first["column"], first["code"]) == (2, "A", "replaced_edition")
    assert first["params"] == {
        "code": "GTM-PRO-01", "edition": "2021", "period": "2025", "replaced_by": "2024",
        "date": {"en": "1 January 2024", "es": "1 de enero de 2024"},
    }  # fmt: skip
    assert (second["row"], second["code"]) == (4, "edition_not_started")
    assert second["params"]["date"] == {"en": "1 March 2026", "es": "1 de marzo de 2026"}
    with translation.override("en"):
        assert importer.render(first["code"], first["params"]) == (
            "GTM-PRO-01 belongs to the 2021 plan, replaced on 1 January 2024 by the 2024 plan; "
            "it cannot be reported for 2025. Delete the row, or download the template for 2025 "
            "again: it lists the commitments of the plan in force."
        )
    with translation.override("es"):
        assert importer.render(second["code"], second["params"]) == (
            "GTM26-PRO-01 pertenece al plan 2026, vigente desde el 1 de marzo de 2026; no se "
            "puede informar para 2025. Borre la fila, o súbala para un período de ese plan."
        )
    with pytest.raises(importer.ValidationError) as refused:
        importer.apply(upload, user=user)
    assert refused.value.code == "apply_has_problems"
    assert importer.apply(upload, user=user, skip_problems=True) == 1
    assert list(StatusUpdate.objects.values_list("commitment__code", "status")) == [
        ("GTM24-PRO-01", 2)
    ]


def test_the_replaced_edition_is_in_force_for_its_own_periods():
    builder = CountryBuilder("GTM")
    replaced = builder.commitment()
    _edition(builder, "2024", dt.date(2024, 1, 1))
    user = secretariat()
    data = _sheet([[replaced.code, 3, "Avance de 2023"]])
    upload = importer.create_upload(data=data, name="m.xlsx", user=user, period=period("2023"))
    assert (upload.changed, upload.problems) == (1, 0)
    assert importer.apply(upload, user=user) == 1


def test_an_unchanged_row_of_a_replaced_edition_is_no_problem():
    """A list that still holds the old commitments, uploaded back as it was, changes nothing:
    the row shows the status already recorded, so it is unchanged, not a problem."""
    builder = CountryBuilder("GTM")
    replaced = builder.commitment()
    report(replaced, "2023", 3)  # approved, shown as of 2025
    _edition(builder, "2024", dt.date(2024, 1, 1))
    data = _sheet([[replaced.code, 3, None]])
    upload = importer.create_upload(
        data=data, name="m.xlsx", user=secretariat(), period=period("2025")
    )
    assert (upload.problems, upload.changed, upload.unchanged) == (0, 0, 1)
