"""report.html (self-contained, streamed piece by piece to a file) and report.pdf (xhtml2pdf).

Structure comes from Django templates under ``templates/packets/report/`` (autoescaped); the
per-result rows, of which there can be hundreds of thousands, go through ``format_html``, which
escapes every argument. The PDF is a bounded summary of the same content: per control at most
``PDF_EXCEPTIONS_PER_ACCOUNT`` exception ranges and ``PDF_FAILING_ROWS`` failing results, with the
count of the rest, so its size does not grow with the period; report.html and the CSVs are whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html
from xhtml2pdf import pisa

PDF_EXCEPTIONS_PER_ACCOUNT = 6
PDF_FAILING_ROWS = 10


class ReportError(Exception):
    """The PDF renderer reported errors."""


class HtmlReport:
    """Appends report.html to a file on disk while the build walks the controls."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = path.open("w", encoding="utf-8")

    def _render(self, template: str, context: dict[str, Any]) -> None:
        self._handle.write(render_to_string(f"packets/report/{template}", context))

    def head(self, context: dict[str, Any]) -> None:
        self._render("head.html", context)

    def control_head(self, context: dict[str, Any]) -> None:
        self._render("control_head.html", context)

    def sample_group_start(self, sample_date: Any, account: Any, run_finished_at: Any) -> None:
        if run_finished_at is None:
            self._handle.write(
                format_html(
                    '<h5>{} &middot; {} ({})</h5><p class="muted">No collection finished on or '
                    "before this date.</p>\n",
                    sample_date,
                    account.name,
                    account.account_id,
                )
            )
            return
        self._handle.write(
            format_html(
                "<h5>{} &middot; {} ({}) &middot; collection finished {}</h5>\n"
                '<table class="results"><thead><tr><th>Resource</th><th>Region</th>'
                "<th>Check</th><th>Status</th><th>Reason</th><th>Evidence</th></tr></thead>"
                "<tbody>\n",
                sample_date,
                account.name,
                account.account_id,
                run_finished_at.isoformat(timespec="seconds"),
            )
        )

    def failing_row(self, row: tuple) -> None:
        _, _, region, resource, check_id, status, reason, sha256 = row
        evidence = (
            format_html('<a href="evidence/{}.json">{}</a>', sha256, sha256[:12]) if sha256 else "-"
        )
        self._handle.write(
            format_html(
                '<tr><td class="mono">{}</td><td>{}</td><td class="mono">{}</td>'
                '<td class="st-{}">{}</td><td>{}</td><td class="mono">{}</td></tr>\n',
                resource,
                region,
                check_id,
                status.lower(),
                status,
                reason,
                evidence,
            )
        )

    def sample_group_end(self, total: int, failing: int) -> None:
        self._handle.write(
            format_html(
                '</tbody></table><p class="muted">{} failing or unreadable of {} results{}</p>\n',
                failing,
                total,
                " (all passing)" if total and not failing else "",
            )
        )

    def control_tail(self) -> None:
        self._handle.write("</section>\n")

    def foot(self, context: dict[str, Any]) -> None:
        self._render("foot.html", context)

    def close(self) -> None:
        self._handle.close()


class PdfSource:
    """The bounded HTML that xhtml2pdf turns into report.pdf, also written as it goes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = path.open("w", encoding="utf-8")

    def head(self, context: dict[str, Any]) -> None:
        self._handle.write(render_to_string("packets/report/pdf_head.html", context))

    def control(self, context: dict[str, Any]) -> None:
        self._handle.write(render_to_string("packets/report/pdf_control.html", context))

    def foot(self, context: dict[str, Any]) -> None:
        self._handle.write("</body></html>\n")

    def close(self) -> None:
        self._handle.close()


def pdf_render(source: Path, destination: Path) -> None:
    with source.open("rb") as html, destination.open("wb") as pdf:
        status = pisa.CreatePDF(html, dest=pdf, encoding="utf-8")
    if status.err:
        raise ReportError(f"report.pdf: the renderer reported {status.err} error(s)")


def readme_text(context: dict[str, Any]) -> bytes:
    return render_to_string("packets/report/README.txt", context).encode()
