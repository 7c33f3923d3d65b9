"""N score sheets (default 1,000) against the floor: bare reportlab drawing the same text and
the same grid on the same pages.

Ours: `write_score_sheet` of a signed demo evaluation (5 criteria × 4 levels with descriptors,
comments): text per script with its font, display order, the grid that repeats its header and
breaks rows, the page template with "page x of y", record id, digest and QR code.
The floor: a reportlab canvas with the same fonts, the same strings wrapped by reportlab's own
`simpleSplit` at the same widths, drawn with `drawString`, and the same cells as rectangles,
paginated by hand (no QR code: the floor is text and grid only). Both write into memory.
Peak RSS is the process's maximum resident set after all runs (the demo data is made in a
child process, so it is the reports' own), and after the first sheet.

Run: python3 benchmarks/bench_score_sheets.py [N]
"""

from __future__ import annotations

import io
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from _common import demo_folder, report
from assessor.demo import DEMO_PASSPHRASE
from assessor.reports import fonts
from assessor.reports.pdf_page import BODY_WIDTH, MARGIN, PAGE_HEIGHT, PAGE_WIDTH
from assessor.reports.score_sheet import CRITERION_WIDTH, POINTS_WIDTH, write_score_sheet
from assessor.services import finalize, profiles, scoring
from assessor.services.report_data import ScoreSheetData, score_sheet_data
from assessor.store.db import Database

N = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "--prepare" else 1000
SUBMISSION = "sub-009"


def signed_sheet(folder: Path) -> ScoreSheetData:
    db = Database.open(folder)
    try:
        [assessor] = [p for p in profiles.list_profiles(db) if "assessor" in p.roles]
        levels = ["competent", "proficient", "competent", "proficient", "developing"]
        view = scoring.show_evaluation(db, SUBMISSION)
        changes: list[Any] = [
            scoring.SetLevel(c.id, level) for c, level in zip(view.criteria, levels, strict=True)
        ]
        changes += [
            scoring.SetComment(c.id, f"Comment on {c.title}: clear, safe, recorded. " * 3)
            for c in view.criteria
        ]
        changes.append(scoring.SetOverallComment("A safe, methodical isolation. " * 6))
        scoring.save_draft(db, SUBMISSION, assessor.id, changes)
        finalize.finalize(db, SUBMISSION, profiles.unlock(db, assessor.id, DEMO_PASSPHRASE))
        return score_sheet_data(db, SUBMISSION)
    finally:
        db.close()


def ours(data: ScoreSheetData) -> None:
    write_score_sheet(data, io.BytesIO())


def floor(data: ScoreSheetData) -> None:
    """Bare reportlab: the same strings in the same places, no layout engine."""
    regular, bold = fonts.REGULAR.name, fonts.BOLD.name
    out = io.BytesIO()
    canvas = Canvas(out, initialFontName=regular)
    top, bottom = PAGE_HEIGHT - 62, 102.0
    state = {"y": top, "page": 1}

    def furniture() -> None:
        canvas.setFont(bold, 11)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 41, "Score sheet and feedback")
        canvas.setFont(regular, 8.5)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 55, f"Submission {data.submission_id}")
        canvas.drawString(MARGIN + 60, 80, str(data.record_id))
        canvas.drawString(MARGIN + 60, 70, str(data.record_digest))
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 30, f"Page {state['page']}")

    def room(height: float) -> None:
        if state["y"] - height < bottom:
            canvas.showPage()
            state["page"] += 1
            state["y"] = top
            furniture()

    def paragraph(text: str, font: str, size: float, x: float, width: float) -> float:
        lines = simpleSplit(text, font, size, width)
        canvas.setFont(font, size)
        y = state["y"]
        for line in lines:
            canvas.drawString(x, y - size, line)
            y -= size * 1.25
        return len(lines) * size * 1.25

    furniture()
    summary = [
        ("Learner", data.learner),
        ("Assessment", data.assessment_title),
        ("Rubric", f"{data.rubric.title} {data.rubric.id} version {data.rubric_version}"),
        ("Assessor", f"{data.assessor_name} {data.assessor_did}"),
        ("Signature", data.signature.describe()),
    ]
    for label, value in summary:
        paragraph(label, bold, 8.5, MARGIN, 96)
        state["y"] -= paragraph(value, regular, 8.5, MARGIN + 96, BODY_WIDTH - 96) + 3
    state["y"] -= paragraph(f"Total {data.total} of {data.maximum}", bold, 12, MARGIN, BODY_WIDTH)
    for reason in data.reasons:
        state["y"] -= paragraph(reason, regular, 8.5, MARGIN, BODY_WIDTH)
    columns = max(len(c.levels) for c in data.rubric.criteria)
    level_width = (BODY_WIDTH - CRITERION_WIDTH - POINTS_WIDTH) / columns
    widths = [CRITERION_WIDTH, *([level_width] * columns), POINTS_WIDTH]
    by_id = {c.criterion_id: c for c in data.criteria}
    for c in data.rubric.criteria:
        cells = [f"{c.title} {c.id}"]
        cells += [f"{lv.title} {lv.points} pts {lv.descriptor}" for lv in c.levels]
        cells.append(str(by_id[c.id].points))
        wrapped = [simpleSplit(t, regular, 7.5, w - 6) for t, w in zip(cells, widths, strict=False)]
        height = max(len(w) for w in wrapped) * 9.5 + 5
        room(height)
        x = MARGIN
        for lines, width in zip(wrapped, widths, strict=False):
            canvas.rect(x, state["y"] - height, width, height)
            canvas.setFont(regular, 7.5)
            for n, line in enumerate(lines):
                canvas.drawString(x + 3, state["y"] - 10 - n * 9.5, line)
            x += width
        state["y"] -= height
        comment = by_id[c.id].comment
        if comment:
            lines = simpleSplit(comment, regular, 7.5, BODY_WIDTH - 6)
            height = len(lines) * 9.5 + 5
            room(height)
            canvas.rect(MARGIN, state["y"] - height, BODY_WIDTH, height)
            for n, line in enumerate(lines):
                canvas.drawString(MARGIN + 3, state["y"] - 10 - n * 9.5, line)
            state["y"] -= height
    room(40)
    state["y"] -= paragraph(data.overall_comment, regular, 8.5, MARGIN, BODY_WIDTH)
    canvas.showPage()
    canvas.save()


def timed(fn: Any, data: ScoreSheetData, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn(data)
    return time.perf_counter() - start


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # The demo folder is made in a child process, so this one's peak is the reports' own.
        saved = Path(tmp) / "sheet.pickle"
        subprocess.run([sys.executable, __file__, "--prepare", str(saved)], check=True)
        data = pickle.loads(saved.read_bytes())
    fonts.register()
    ours(data)  # warm: fonts parsed, caches filled, once for both
    floor(data)
    warm = peak_mib()
    ours_total = floor_total = 0.0
    batch = 50
    for _ in range(max(1, N // batch)):  # interleaved, so drift hits both alike
        ours_total += timed(ours, data, batch)
        floor_total += timed(floor, data, batch)
    sheets = max(1, N // batch) * batch
    report(f"{sheets} score sheets, per sheet", ours_total / sheets, floor_total / sheets, 2.0)
    print(f"total: assessor {ours_total:.1f} s, floor {floor_total:.1f} s")
    print(f"peak RSS {peak_mib():.0f} MiB ({warm:.0f} MiB after the first sheet)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        with tempfile.TemporaryDirectory() as tmp:
            Path(sys.argv[2]).write_bytes(pickle.dumps(signed_sheet(demo_folder(Path(tmp)))))
    else:
        main()
