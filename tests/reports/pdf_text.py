"""Reading a report back: the text of each page's body (pypdf), the QR code (zbarimg), PNG
pages (pdftoppm). The comparison rule every text test uses is `same_text`."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

from assessor.reports.pdf_page import FOOTER_TOP, PAGE_HEIGHT
from assessor.reports.text import visible

BODY_TOP = PAGE_HEIGHT - 60  # below the header (and above the stamp band, which is ours)
BODY_BOTTOM = FOOTER_TOP + 2


def body_text(pdf: bytes) -> str:
    """The text drawn in the body of every page, in content order, pages joined: headers,
    footers and page numbers are left out, so text that runs onto the next page reads on."""
    parts: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def keep(text: str, cm: list[float], tm: list[float], *_: object) -> None:
            y = tm[5] * cm[3] + cm[5]
            if BODY_BOTTOM <= y <= BODY_TOP:
                parts.append(text)

        page.extract_text(visitor_text=keep)
    return "".join(parts)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


# A table continued on a new page starts with its header again; text that runs across the
# page break is read back with it in between, so it is taken out before comparing.
GRID_HEADER = "CriterionLevels,lowesttohighest(theachievedoneismarkedACHIEVED)Points"


def squeeze(text: str) -> str:
    """Whitespace removed: the layout breaks lines where the text had spaces (and inside words
    longer than a line), and pypdf reports those breaks and word gaps as its own whitespace."""
    return "".join(ch for ch in text if not ch.isspace())


def body(pdf: bytes, headers: tuple[str, ...] = (GRID_HEADER,)) -> str:
    """The squeezed body text, with the grids' repeated headers (squeezed) taken out."""
    text = squeeze(body_text(pdf))
    for header in headers:
        text = text.replace(header, "")
    return text


def fills(pdf: bytes) -> set[str]:
    """The fill colours the pages set, as the content stream writes them ("r g b")."""
    found: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        data = page.get_contents()
        text = data.get_data().decode("latin-1") if data is not None else ""
        found |= {" ".join(m.split()[-4:-1]) for m in re.findall(r"[\d. ]+ rg", text)}
    return found


def same_text(written: str) -> str:
    """What a report must show for `written`, in the form `squeeze` compares: control and
    reordering bidi characters as their visible escapes (the report's rule), whitespace out."""
    return squeeze(visible(written))


def zbar_decode(png: Path) -> list[str]:
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=False
    )
    return [line for line in done.stdout.splitlines() if line]


def to_png(
    pdf: Path,
    out_prefix: Path,
    dpi: int = 110,
    first: int = 1,
    last: int = 1,
    area: tuple[float, float, float, float] | None = None,
) -> list[Path]:
    """Pages as PNG; `area` (left, bottom, width, height in points) crops each to that box."""
    crop: list[str] = []
    if area is not None:
        scale = dpi / 72
        left, bottom, width, height = area
        top = PAGE_HEIGHT - bottom - height
        for flag, value in zip("xyWH", (left, top, width, height), strict=True):
            crop += [f"-{flag}", str(round(value * scale))]
    command = ["pdftoppm", "-r", str(dpi), "-f", str(first), "-l", str(last), *crop, "-png"]
    subprocess.run([*command, str(pdf), str(out_prefix)], check=True)
    return sorted(out_prefix.parent.glob(out_prefix.name + "-*.png"))


def have(command: str) -> bool:
    return shutil.which(command) is not None
