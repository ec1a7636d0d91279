"""report.html (self-contained, streamed piece by piece to a file) and report.pdf (WeasyPrint).

Structure comes from Django templates under ``templates/packets/report/`` (autoescaped); the
per-result rows, of which there can be hundreds of thousands, go through ``format_html``, which
escapes every argument. The PDF is a bounded summary of the same content: per control at most
``PDF_DEVIATIONS_PER_ACCOUNT`` deviation ranges per account, ``PDF_SAMPLE_DATES`` sample-date lines
and ``PDF_FAILING_ROWS`` failing results, with the count of the rest, so its size does not grow
with the period. It is rendered in parts of a few controls each and joined with pypdf, so the
renderer's memory stays bounded; report.html and the CSVs hold everything. WeasyPrint (Pango for
text layout) is a renderer made for print CSS: fixed table layouts and ``overflow-wrap:
anywhere`` wrap long ARNs inside their cells instead of printing them over the next one.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html
from pypdf import PdfWriter

PDF_DEVIATIONS_PER_ACCOUNT = 6
PDF_FAILING_ROWS = 10
PDF_SAMPLE_DATES = 12
PDF_CONTROLS_PER_PART = 8


class ReportError(Exception):
    """The PDF renderer reported errors."""


class HtmlReport:
    """Appends report.html to a file on disk while the build walks the controls."""

    def __init__(self, folder: Path) -> None:
        # The body is streamed here; the head, summary and contents, known only at the end,
        # are written before it by ``finish``.
        self.folder = folder
        self.path = folder / "report-body.html"
        self._handle = self.path.open("w", encoding="utf-8")

    def _render(self, template: str, context: dict[str, Any]) -> None:
        self._handle.write(render_to_string(f"packets/report/{template}", context))

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

    def control_samples(self, context: dict[str, Any]) -> None:
        self._render("control_samples.html", context)

    def control_tail(self) -> None:
        self._handle.write("</section>\n")

    def finish(self, context: dict[str, Any]) -> Path:
        """Close the body and write head + summary + contents + body + foot; the path."""
        self._render("foot.html", context)
        self._handle.close()
        path = self.folder / "report.html"
        with path.open("w", encoding="utf-8") as whole, self.path.open(encoding="utf-8") as body:
            whole.write(render_to_string("packets/report/head.html", context))
            shutil.copyfileobj(body, whole, 1 << 16)
        return path


class PdfReport:
    """report.pdf, rendered a few controls at a time and joined at the end.

    The renderer holds a whole document (DOM, styles, layout) in memory while it renders, so one
    render per ``PDF_CONTROLS_PER_PART`` controls keeps the peak the same for any catalog size.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.parts: list[Path] = []
        self._fragments: list[str] = []
        self._controls = 0

    def cover(self, context: dict[str, Any]) -> None:
        self._fragments.append(render_to_string("packets/report/pdf_cover.html", context))
        self._render_part()  # its own part: the summary goes right after it at the end

    def control(self, context: dict[str, Any]) -> None:
        self._fragments.append(render_to_string("packets/report/pdf_control.html", context))
        self._controls += 1
        if self._controls % PDF_CONTROLS_PER_PART == 0:
            self._render_part()

    def _render_part(self) -> None:
        if not self._fragments:
            return
        # Each fragment is the SafeString its template rendered (AWS text escaped there).
        html = render_to_string("packets/report/pdf_page.html", {"fragments": self._fragments})
        self._fragments.clear()
        path = self.folder / f"part-{len(self.parts):04d}.pdf"
        # Imported here: WeasyPrint loads Pango when imported, which only a build needs.
        from weasyprint import HTML

        try:
            HTML(string=html).write_pdf(path)
        except Exception as exc:  # the renderer's errors are many types; name the part
            raise ReportError(f"report.pdf part {len(self.parts)}: {exc}") from exc
        self.parts.append(path)

    def finish(self, destination: Path, context: dict[str, Any]) -> Path:
        self._render_part()
        cover, *controls = self.parts
        summary = {**context, "pdf": True}  # no in-document links: parts are rendered apart
        self._fragments.append(render_to_string("packets/report/pdf_summary.html", summary))
        self._render_part()
        writer = PdfWriter()
        for part in (cover, self.parts[-1], *controls):
            writer.append(str(part))
        with destination.open("wb") as pdf:
            writer.write(pdf)
        return destination


def readme_text(context: dict[str, Any]) -> bytes:
    return render_to_string("packets/report/README.txt", context).encode()
