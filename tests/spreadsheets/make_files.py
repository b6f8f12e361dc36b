"""Make the spreadsheet fixtures written by LibreOffice (run once; the outputs are committed).

    DJANGO_DEV=1 .venv/bin/python tests/spreadsheets/make_files.py

It writes, with openpyxl, (1) the Guatemala 2025 template filled in and (2) a hand-made sheet
with no codes, then has LibreOffice (`soffice --headless --convert-to`) save each as .ods, and
that .ods again as .xlsx, so the tests read files that openpyxl did not write. The statuses in
them are the ones the tests expect (see test_libreoffice.py). The fresh test database gives
every commitment version 0, which is what the template carries.
"""

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirps.settings")
os.environ.setdefault("DJANGO_DEV", "1")
OUT = Path(__file__).with_name("files")


def template_filled() -> bytes:
    import openpyxl

    from commitments.models import Commitment, ReportingPeriod
    from commitments.spreadsheets.template import build_matrix
    from countries.models import Country

    period = ReportingPeriod.objects.get(code="2025")
    data = build_matrix([Country.objects.get(iso3="GTM")], period, "es")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Matriz"]
    for row in sheet.iter_rows(min_row=2):
        row[9].value = 0  # every version is 0 in a fresh database
        code = row[0].value
        if code == "GTM-PRO-01":
            row[6].value, row[7].value = "3 - En implementación (60%)", "Dirección fortalecida"
        elif code == "GTM-PRO-02":
            row[6].value, row[7].value = "Completado", "Capacitaciones realizadas"
        elif code == "GTM-PRO-03":
            row[6].value, row[7].value = 0.4, "Curso diseñado"  # a percentage cell
            row[6].number_format = "0%"
        elif code == "GTM-PRO-04":
            row[6].value = "=1+1"  # a formula where a value belongs
        elif code == "GTM-PRO-05":
            row[6].value, row[7].value = 8, "fuera de escala"
    assert Commitment.objects.filter(country__iso3="GTM").count() == 30
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def handmade() -> bytes:
    import openpyxl

    from commitments.models import Commitment

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Avances"
    sheet.append(["Seguimiento MIRPS Guatemala 2025"])
    sheet.append(["Preparado por el equipo técnico nacional"])
    sheet.append([])
    sheet.append(["Estado", "Compromiso", "Observaciones"])
    sheet.append(["60%", Commitment.objects.get(code="GTM-EDU-01").text, "Convenio firmado"])
    sheet.append(["2", Commitment.objects.get(code="GTM-HEA-01").text, "Plan aprobado"])
    sheet.append([None, None, None])
    sheet.append(["Completado", "Texto que no corresponde a ningún compromiso", "?"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def convert(data: bytes, name: str) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice is needed: apt-get install libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp, f"{name}-openpyxl.xlsx")
        source.write_bytes(data)
        profile = f"-env:UserInstallation=file://{tmp}/profile"
        subprocess.run(
            [soffice, profile, "--headless", "--convert-to", "ods", "--outdir", tmp, str(source)],
            check=True,
            capture_output=True,
        )
        ods = Path(tmp, f"{name}-openpyxl.ods")
        shutil.copy(ods, OUT / f"{name}.ods")
        subprocess.run(
            [
                soffice,
                profile,
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(Path(tmp, "x")),
                str(ods),
            ],
            check=True,
            capture_output=True,
        )
        shutil.copy(Path(tmp, "x", f"{name}-openpyxl.xlsx"), OUT / f"{name}-libreoffice.xlsx")


def main() -> None:
    django.setup()
    from django.db import connection

    from commitments.services import load_plans

    # a throwaway in-memory database, so the files do not depend on local data
    connection.settings_dict["NAME"] = ":memory:"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load_plans()
    OUT.mkdir(exist_ok=True)
    convert(template_filled(), "gtm-template-filled")
    convert(handmade(), "handmade-no-codes")
    for path in sorted(OUT.iterdir()):
        print(path.name, path.stat().st_size)


if __name__ == "__main__":
    main()
