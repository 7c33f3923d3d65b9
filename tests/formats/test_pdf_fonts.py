"""Two fonts whose files share a face name, registered under two names, each draw with their
own file (reportlab alone gives the second name the first font)."""

from __future__ import annotations

import uuid

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from assessor.formats import pdf_fonts
from assessor.resources import resource_file


def test_two_files_with_one_face_name_stay_two_fonts() -> None:
    regular = str(resource_file("fonts", "DejaVuSans.ttf"))
    bold = str(resource_file("fonts", "DejaVuSans-Bold.ttf"))
    first, second = (f"Probe{uuid.uuid4().hex}" for _ in range(2))
    a = pdf_fonts.register(TTFont(first, regular))
    renamed = TTFont(second, bold)
    renamed.face.name = a.face.name  # the collision: one face name, two files
    b = pdf_fonts.register(renamed)
    assert pdfmetrics.getFont(first) is a and pdfmetrics.getFont(second) is b
    assert a.face.filename == regular and b.face.filename == bold
    assert b.face.name == a.face.name  # the PDF still names each by its face
    assert pdf_fonts.register(TTFont(first, bold)) is a  # a name registered stays its font


def test_without_it_reportlab_gives_the_second_name_the_first_font() -> None:
    """What `register` is for: fails if reportlab ever stops merging by face name."""
    regular = str(resource_file("fonts", "DejaVuSans.ttf"))
    first, second = (f"Probe{uuid.uuid4().hex}" for _ in range(2))
    a, b = TTFont(first, regular), TTFont(second, regular)
    a.face.name = b.face.name = f"Face{uuid.uuid4().hex}".encode()
    pdfmetrics.registerFont(a)
    pdfmetrics.registerFont(b)
    assert pdfmetrics.getFont(second) is a
