"""Hostile strings from AWS (resource names, reasons) stay inert in the CSVs, HTML and PDF."""

from __future__ import annotations

import csv
import io

import pytest

from grc.access.exports import csv_cell
from tests.packets.conftest import HOSTILE_FORMULA, HOSTILE_SCRIPT, SMALL_EXTERNAL_ID, zip_entries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("arn:aws:s3:::a=b", "arn:aws:s3:::a=b"),
        ("", ""),
        (None, ""),
        (3, 3),
    ],
)
def test_csv_cell_neutralises_formulas(value, written):
    assert csv_cell(value) == written


def test_results_csv_cells_cannot_start_a_formula(small_packet):
    entries = zip_entries(small_packet.file.path)
    rows = list(csv.reader(io.StringIO(entries["controls/DP-10/results.csv"].decode(), newline="")))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    by_reason = {row[7]: row for row in rows[1:]}
    assert by_reason[f"{HOSTILE_SCRIPT}"][4] == f"'{HOSTILE_FORMULA}"
    assert "'@SUM(1+1)" in by_reason and "'+versioning on" in by_reason
    assert "'-1 versions" in by_reason and "'\tleading tab" in by_reason
    # The account name goes through the same writer in daily_status.csv.
    daily = entries["controls/DP-10/daily_status.csv"].decode()
    assert "Staging <b>&</b>" in daily


def test_report_escapes_aws_strings(small_packet):
    entries = zip_entries(small_packet.file.path)
    report = entries["report.html"].decode()
    assert "<script" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "=HYPERLINK(&quot;http://x&quot;)" in report
    assert "Staging &lt;b&gt;&amp;&lt;/b&gt;" in report
    assert "<b>" not in report
    assert entries["report.pdf"].startswith(b"%PDF")
    assert all(SMALL_EXTERNAL_ID.encode() not in data for data in entries.values())


def test_pdf_shows_hostile_text_as_text(small_packet):
    from pypdf import PdfReader

    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(zip_entries(small_packet.file.path)["report.pdf"])).pages
    )
    assert "<script>alert(1)</script>" in text.replace("\n", "")
