"""Every panel's figures as CSV and .xlsx: the engine's numbers, and no formula can run."""

import csv
import io

import openpyxl
import pytest

from demo.services import seed_demo
from periods.models import ReportingPeriod
from reports import exports, progress
from tests.builders import CountryBuilder, report
from tests.plans import loaded_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    loaded_plans()
    seed_demo()


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    return openpyxl.load_workbook(io.BytesIO(response.content))


def stats_cells(stats) -> list[str]:
    d = stats.as_dict()
    return [
        str(d["commitments"]),
        str(d["reported"]),
        str(round(100 * d["coverage"], 2)),
        str(d["updated"]),
        str(round(100 * d["reporting_rate"], 2)),
        "" if d["progress"] is None else str(d["progress"]),
        *[str(d["levels"][k]) for k in ["5", "4", "3", "2", "1", "0", "not_reported"]],
    ]


@pytest.mark.parametrize(
    "panel, by, params",
    [
        ("pillar", ["pillar"], {"period": "2024"}),
        ("country", ["country"], {"period": "2023", "pillar": "2"}),
        ("focus_area", ["focus_area"], {"period": "2024-H1", "country": "PAN"}),
        ("country_pillar", ["country", "pillar"], {"period": "2022"}),
    ],
)
def test_panel_csv_equals_the_engine(client, demo, panel, by, params):
    rows = read_csv(client.get(f"/export/{panel}.csv", params, HTTP_ACCEPT_LANGUAGE="en"))
    header, body = rows[0], rows[1:]
    assert header[0] == "Period" and "Progress (%)" in header and "Low coverage" in header
    filters = {k: (int(v) if k == "pillar" else v) for k, v in params.items() if k != "period"}
    result = progress.compute(by, ReportingPeriod.objects.get(code=params["period"]), **filters)
    groups = [g for g in result.groups if g.stats.commitments]  # no row for an empty group
    assert len(body) == len(groups) + 1  # the groups, then the whole selection
    first = header.index("Commitments")
    for row, group in zip(body, groups, strict=False):
        assert row[0] == params["period"]
        assert row[first - 1] == group.label.split(" · ")[-1] or group.label in row
        assert row[first : first + 13] == stats_cells(group.stats)
    assert body[-1][first - 1] == "All"
    assert body[-1][first : first + 13] == stats_cells(result.total)


def test_trend_and_movement_csv(client, demo):
    trend = read_csv(client.get("/export/trend.csv", {"country": "CRI"}))
    periods = list(ReportingPeriod.objects.all())
    assert [r[0] for r in trend[1:]] == [p.code for p in periods]
    for row, (_p, stats) in zip(trend[1:], progress.trend(periods, country="CRI"), strict=True):
        assert row[1:14] == stats_cells(stats)
    moved = read_csv(
        client.get("/export/movement.csv", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en")
    )
    assert moved[0][:4] == ["Period", "Previous period", "Movement", "Code"]
    assert len(moved) > 1 and all(r[0] == "2024" and r[1] == "2024-H1" for r in moved[1:])


def test_workbook_of_every_panel(client, demo):
    book = read_xlsx(client.get("/export/all.xlsx", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert book.sheetnames == [
        "By pillar",
        "By country",
        "By focus area",
        "Country × pillar",
        "Trend",
        "What moved",
        "Indicators",  # issue 13: tests/indicators/test_exports_pdf.py reads them
        "Funding",
    ]
    sheet = book["By pillar"]
    header = [c.value for c in sheet[1]]
    total = progress.compute(period=ReportingPeriod.objects.get(code="2024")).total
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[header.index("Progress (%)")] == total.progress
    assert last[header.index("Reported")] == total.reported
    # freshness beside coverage: reported in 2024 itself, not carried from before
    assert last[header.index("Updated in the period")] == total.updated < total.reported
    assert last[header.index("Updated in the period (%)")] == round(100 * total.reporting_rate, 2)
    single = read_xlsx(client.get("/export/country.xlsx", {"period": "2024"}))
    assert single.active.max_row == 1 + 7 + 1


def test_commitment_list_exports(client, demo):
    rows = read_csv(
        client.get("/commitments/", {"period": "2024", "country": "BLZ", "format": "csv"})
    )
    period = ReportingPeriod.objects.get(code="2024")
    total = progress.compute(period=period, country="BLZ").total
    assert len(rows) - 1 == total.commitments
    statuses = [r[5] for r in rows[1:]]
    assert sum(1 for s in statuses if s != "") == total.reported
    book = read_xlsx(
        client.get("/commitments/", {"period": "2024", "status": "3", "format": "xlsx"})
    )
    assert book.active.max_row - 1 == total.levels[3] + sum(
        progress.compute(period=period, country=c).total.levels[3]
        for c in ["CRI", "SLV", "GTM", "HND", "MEX", "PAN"]
    )


def test_cells_that_would_be_formulas_are_neutralised(client):
    b = CountryBuilder("AAA")
    c = b.commitment(text='=HYPERLINK("http://evil")')
    report(c, "2024", 2, narrative="+cmd|' /C calc'!A0")
    csv_rows = read_csv(client.get("/commitments/", {"format": "csv", "period": "2024"}))
    assert csv_rows[1][-1] == '\'=HYPERLINK("http://evil")'
    assert csv_rows[1][-2] == "'+cmd|' /C calc'!A0"
    book = read_xlsx(client.get("/commitments/", {"format": "xlsx", "period": "2024"}))
    assert book.active.cell(2, 9).value.startswith("'=")
    moved = read_csv(client.get("/export/movement.csv", {"period": "2024"}))
    assert moved[1][-2].startswith("'+")
    assert exports.rows_to_csv(["h"], [["-1+1"], ["@SUM(A1)"], [-5]]).decode(
        "utf-8-sig"
    ).splitlines() == ["h", "'-1+1", "'@SUM(A1)", "-5"]


def test_unknown_panel_is_404(client):
    assert client.get("/export/nothing.csv").status_code == 404
    assert client.get("/export/all.csv").status_code == 404


# --- Issue 11: the demo flag on every file, full labels, no empty focus areas ---------------

DEMO_NOTE = {
    "en": "Synthetic demo data, not real reports",
    "es": "Datos sintéticos de demostración, no son informes reales",
}


@pytest.mark.parametrize("language, column", [("en", "Demo data"), ("es", "Datos de demostración")])
@pytest.mark.parametrize(
    "url, params",
    [
        ("/export/pillar.csv", {"period": "2024"}),
        ("/export/country.csv", {"period": "2024"}),
        ("/export/focus_area.csv", {"period": "2024", "country": "GTM"}),
        ("/export/country_pillar.csv", {"period": "2024"}),
        ("/export/trend.csv", {}),
        ("/export/movement.csv", {"period": "2024"}),
        ("/commitments/", {"period": "2024", "country": "BLZ", "format": "csv"}),
    ],
)
def test_every_csv_is_flagged_demo_in_the_readers_language(
    client, demo, url, params, language, column
):
    rows = read_csv(client.get(url, params, HTTP_ACCEPT_LANGUAGE=language))
    assert rows[0][-1] == column
    assert len(rows) > 1 and all(r[-1] == DEMO_NOTE[language] for r in rows[1:])


def test_every_sheet_of_the_workbook_with_statuses_is_flagged(client, demo):
    book = read_xlsx(client.get("/export/all.xlsx", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="es"))
    for name in book.sheetnames[:6]:  # the panels; indicators and funding hold no status
        sheet = book[name]
        assert sheet.cell(1, sheet.max_column).value == "Datos de demostración", name
        assert sheet.cell(2, sheet.max_column).value == DEMO_NOTE["es"], name
    single = read_xlsx(
        client.get("/export/pillar.xlsx", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en")
    )
    assert single.active.cell(1, single.active.max_column).value == "Demo data"


def test_no_demo_column_without_demo_data(client):
    b = CountryBuilder("AAA")
    report(b.commitment(), "2024", 3)
    for url in ("/export/pillar.csv", "/commitments/?format=csv"):
        rows = read_csv(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
        assert "Demo data" not in rows[0]
        assert all("Synthetic" not in cell for r in rows for cell in r)


def test_country_export_lists_only_its_focus_areas_with_full_labels(client, demo):
    from commitments.models import FocusArea, Pillar

    period = ReportingPeriod.objects.get(code="2024")
    areas = progress.compute(["focus_area"], period, country="GTM").groups
    have = [g for g in areas if g.stats.commitments]
    assert len(have) < len(areas), "the fixtures give Guatemala no commitment in some focus area"
    rows = read_csv(
        client.get(
            "/export/focus_area.csv",
            {"period": "2024", "country": "GTM"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    )
    assert [r[1] for r in rows[1:-1]] == [g.keys["focus_area"] for g in have]
    assert [r[2] for r in rows[1:-1]] == [
        str(FocusArea.objects.get(code=g.keys["focus_area"]).name) for g in have
    ]
    assert not any(r[3] == "0" for r in rows[1:])  # no "0 commitments" row
    pillars = read_csv(
        client.get("/export/pillar.csv", {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="en")
    )
    assert [r[2] for r in pillars[1:-1]] == [p.name for p in Pillar.objects.all()]
    assert "Immediate and persistent needs" in [r[2] for r in pillars[1:]]
