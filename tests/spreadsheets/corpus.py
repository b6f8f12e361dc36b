"""The spreadsheet corpus: files under ``files/`` and the table of what each must give
(``files/expected.json``), shared by the generator (``make_corpus.py``), the parametrised test
(``test_corpus.py``) and the tally in ``docs/spreadsheet-corpus.md`` (``corpus_report.py``).

Each case names the person who uploads (``gabriel``: Guatemala's team; ``sofia``: the
secretariat; ``HND``, ``SLV``…: a member of that country's team), the period, and the state
of the database (``setup``) the file was made against; status rows that a file refers to
(its version cells) are created with fixed ids so that the committed files stay valid on
every database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

FILES = Path(__file__).with_name("files")
EXPECTED = FILES / "expected.json"

# Rows created by the "history" set-up: (id, code, period, status, review state, by).
HISTORY = [
    (900101, "GTM-PRO-01", "2024", 2, "approved", "sofia"),
    (900102, "GTM-PRO-02", "2024", 1, "approved", "sofia"),
    (900103, "HND-PRO-01", "2024", 3, "approved", "sofia"),
    (900104, "PAN-JOB-03", "2024", 4, "approved", "sofia"),
    (900201, "GTM-PRO-06", "2025", 2, "submitted", "gabriel"),
    (900202, "GTM-EDU-01", "2025", 4, "approved", "sofia"),
    (900203, "HND-EDU-01", "2025", 3, "approved", "sofia"),
]


def load_expected() -> dict[str, dict]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


TEAMS = ("BLZ", "CRI", "HND", "MEX", "PAN", "SLV")  # the other countries' teams, by ISO3


def make_users() -> dict:
    """gabriel: Guatemala's national team (GTM only); sofia: secretariat (every country); and
    one member of each other country's team, named by its ISO3 ("HND": Honduras's only)."""
    from tests.builders import member, secretariat

    teams = {iso3: member(f"team-{iso3.lower()}", iso3) for iso3 in TEAMS}
    return {"gabriel": member("gabriel", "GTM"), "sofia": secretariat("sofia"), **teams}


def set_up(name: str, users: dict) -> None:
    """The state of the database a case needs (inside the test's transaction)."""
    from commitments.models import Commitment
    from periods.models import ReportingPeriod
    from statuses.models import StatusUpdate

    if name in ("history", "history+locked"):
        periods = {p.code: p for p in ReportingPeriod.objects.all()}
        commitments = Commitment.objects.in_bulk([h[1] for h in HISTORY], field_name="code")
        for pk, code, period, status, state, by in HISTORY:
            StatusUpdate.objects.create(
                pk=pk,
                commitment=commitments[code],
                period=periods[period],
                status=status,
                narrative=f"History {code} {period}",
                source="web",
                review_state=state,
                created_by=users[by],
            )
    if name == "indicator-value":  # a value recorded for the 2025 slot after the download
        from countries.models import Country
        from indicators.models import Indicator, IndicatorValue

        period = ReportingPeriod.objects.get(code="2025")
        IndicatorValue.objects.create(
            pk=900301, indicator=Indicator.objects.get(code="REF_RECOGNISED"),
            country=Country.objects.get(iso3="GTM"), value=590,
            period_start=period.start_date, period_end=period.end_date,
            source_document="Informe", source_section="p. 1", route="web",
            review_state="approved", created_by=users["sofia"],
        )  # fmt: skip
    if name.endswith("locked"):
        ReportingPeriod.objects.filter(code="2023").update(locked=True)


@dataclass
class Outcome:
    """What happened to one file, for the test's assertions and the corpus tally."""

    name: str
    server_errors: list[str] = field(default_factory=list)  # responses of 500 or more
    state: str = ""
    rejected: str | None = None
    preview: dict = field(default_factory=dict)
    written_all: dict[str, int] = field(default_factory=dict)  # after "apply"
    refused_all: str | None = None  # the refusal's code, when "apply" wrote nothing
    written_valid: dict[str, int] | None = None  # after "apply the valid rows", when tried
    indicators_all: dict[str, str] = field(default_factory=dict)  # values written by "apply"
    partial: bool = False  # apply refused but something was written
    silent_drops: int = 0


def _values_written(before: set[int]) -> dict[str, str]:
    from indicators.models import IndicatorValue

    return {
        f"{v.indicator.code} {v.country.iso3}": format(v.value.normalize(), "f")
        for v in IndicatorValue.objects.exclude(pk__in=before).select_related(
            "indicator", "country"
        )
    }


def _written(before: set[int]) -> dict[str, int]:
    from statuses.models import StatusUpdate

    return {
        u.commitment.code: u.status
        for u in StatusUpdate.objects.exclude(pk__in=before).select_related("commitment")
    }


def run(name: str, case: dict, users: dict, client) -> Outcome:
    """Upload ``name`` as the case says, look at its preview page, correct columns if the case
    says so, then apply all or nothing (and, if the case says so, the valid rows only)."""
    from periods.models import ReportingPeriod
    from spreadsheets import importer
    from spreadsheets.reading import read
    from statuses.models import StatusUpdate

    outcome = Outcome(name)
    user = users[case["user"]]
    set_up(case.get("setup", "fresh"), users)
    period = ReportingPeriod.objects.get(code=case["period"])
    data = (FILES / name).read_bytes()
    existing = set(StatusUpdate.objects.values_list("pk", flat=True))
    from indicators.models import IndicatorValue

    values_before = set(IndicatorValue.objects.values_list("pk", flat=True))
    upload = importer.create_upload(data=data, name=name, user=user, period=period)
    client.force_login(user)
    page = client.get(f"/workspace/spreadsheets/{upload.pk}/")
    if page.status_code >= 500:
        outcome.server_errors.append(f"preview page {page.status_code}")
    if case.get("correct"):
        sheets = list(upload.preview["columns"])
        form = {}
        for sheet, choice in case["correct"].items():
            number = sheets.index(sheet)
            for key, index in choice.items():
                form[f"col-{number}-{key}"] = "" if index is None else str(index)
        response = client.post(f"/workspace/spreadsheets/{upload.pk}/columns/", form)
        if response.status_code >= 500:
            outcome.server_errors.append(f"columns {response.status_code}")
        upload.refresh_from_db()
    outcome.state, outcome.preview = upload.state, upload.preview
    if upload.state == "rejected":
        outcome.rejected = upload.outcome_code
    else:
        outcome.silent_drops = _silent_drops(read(data), upload.preview, data, name)
    # all or nothing, through the API
    confirm = case.get("confirm", [])
    response = client.post(
        f"/api/v1/spreadsheet-uploads/{upload.pk}/apply/",
        {"confirm": confirm},
        content_type="application/json",
    )
    if response.status_code >= 500:
        outcome.server_errors.append(f"apply {response.status_code}")
    outcome.written_all = _written(existing)
    outcome.indicators_all = _values_written(values_before)
    if response.status_code != 200:
        outcome.refused_all = response.json().get("code")
        outcome.partial = bool(outcome.written_all) or bool(outcome.indicators_all)
    if case.get("valid_rows") is not None and response.status_code != 200:
        response = client.post(
            f"/api/v1/spreadsheet-uploads/{upload.pk}/apply-valid-rows/",
            {"confirm": confirm},
            content_type="application/json",
        )
        if response.status_code >= 500:
            outcome.server_errors.append(f"apply-valid-rows {response.status_code}")
        outcome.written_valid = _written(existing)
    return outcome


def _openpyxl_rows(data: bytes) -> dict[str, int]:
    """Rows with data per sheet, as openpyxl reads them: a second reader, to check ours."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        return {
            sheet.title: sum(
                1
                for row in sheet.iter_rows(values_only=True)
                if any(v is not None and str(v).strip() for v in row)
            )
            for sheet in book.worksheets
        }
    finally:
        book.close()


def _silent_drops(sheets, preview: dict, data: bytes, name: str) -> int:
    """Rows with data that the preview neither lists nor counts: every sheet's rows must be in
    its summary (and, for .xlsx, as many as openpyxl finds), every row below a header in the
    tally."""
    drops = 0
    if name.endswith(".xlsx"):
        ours = {sheet.name: len(sheet.rows) for sheet in sheets}
        for title, count in _openpyxl_rows(data).items():
            drops += abs(ours.get(title, 0) - count)
    summary = {s["name"]: s for s in preview.get("sheets", [])}
    from spreadsheets.formats import fold_header

    sheets = [fold_header(sheet) for sheet in sheets]  # a two-row header is one row
    for sheet in sheets:
        described = summary.get(sheet.name)
        if described is None:
            drops += len(sheet.rows)
            continue
        if described["rows"] != len(sheet.rows):
            drops += abs(described["rows"] - len(sheet.rows))
    below = 0
    for sheet in sheets:
        described = summary.get(sheet.name) or {}
        if described.get("role") in ("data", "indicators"):
            below += sum(1 for r in sheet.rows if r.number > described["header_row"])
    drops += abs(below - preview.get("tally", {}).get("read", 0))
    return drops
