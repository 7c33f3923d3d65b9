"""The text engine alone: escapes, fonts per script, display order, joining, line breaks."""

from __future__ import annotations

import io
import unicodedata

from reportlab.pdfgen.canvas import Canvas

from assessor.reports import fonts
from assessor.reports.text import Line, Style, clipped, draw_lines, layout, visible
from tests.reports.pdf_text import squeeze

STYLE = Style(size=10, leading=12)


def display(line: Line) -> str:
    """The characters of a line from left to right, as a reader sees them."""
    out = []
    for run in sorted(line.runs, key=lambda r: r.x):
        out.append(run.text)
    return "".join(out)


def test_controls_and_reordering_bidi_controls_are_escaped_marks_are_kept() -> None:
    assert visible("a\x1b[2Jb\x07\x00\x7f\x9b") == "a\\x1b[2Jb\\x07\\x00\\x7f\\x9b"
    assert visible("x\u202ey\u2066z\u2069") == "x\\u202ey\\u2066z\\u2069"
    assert visible("line\n\ttab") == "line\n\ttab"
    assert visible("\u200fדוד\u200e") == "\u200fדוד\u200e"  # RLM, LRM: no reordering of letters


def test_each_script_gets_a_font_that_has_it() -> None:
    expected = {
        "A": fonts.REGULAR.name,
        "Ж": fonts.REGULAR.name,
        "Ω": fonts.REGULAR.name,
        "م": fonts.ARABIC.name,
        "ש": fonts.HEBREW.name,
        "王": fonts.CJK.name,
        "한": fonts.CJK.name,
        "ひ": fonts.CJK.name,
        "👍": fonts.SYMBOLS.name,
    }
    for ch, font in expected.items():
        assert fonts.font_for(ch) == font, ch
    assert fonts.font_for("A", bold=True) == fonts.BOLD.name
    assert fonts.font_for("王", bold=True) == fonts.CJK.name  # no bold CJK: the regular one


def test_a_character_no_font_has_is_printed_as_its_code_not_a_box() -> None:
    [line] = layout("क ok", STYLE, 500)  # Devanagari: no bundled font
    assert display(line) == "\\u0915 ok"


def test_right_to_left_words_are_displayed_right_to_left() -> None:
    [line] = layout("שלום עולם", STYLE, 500)
    assert display(line) == "םלוע םולש"
    assert line.rtl
    [line] = layout("Ada אדה 12", STYLE, 500)
    assert display(line) == "Ada 12 הדא"  # UBA: the number follows the Hebrew (rule N1)
    assert not line.rtl


def test_runs_are_listed_in_logical_order_for_extraction() -> None:
    [line] = layout("אדה לאבלייס", STYLE, 500)
    texts = [run.text for run in line.runs]
    # Each run is in display order; the runs themselves follow the text as written.
    assert "".join(t[::-1] if t.strip() else t for t in texts) == "אדה לאבלייס"


def test_arabic_letters_take_their_joined_shapes_and_lam_alef_its_ligature() -> None:
    [line] = layout("سلام", STYLE, 500)
    shown = display(line)
    assert all(fonts.is_presentation_form(ord(ch)) for ch in shown)
    assert "\ufefc" in shown  # lam-alef, final form
    assert unicodedata.normalize("NFKC", shown[::-1]) == "سلام"


def test_a_bracket_in_right_to_left_text_is_mirrored_by_drawing_not_by_changing_it() -> None:
    [line] = layout("فاطمة (أم علي)", STYLE, 500)
    brackets = [run for run in line.runs if run.text in "()"]
    assert len(brackets) == 2 and all(run.mirrored for run in brackets)
    # the character written stays: "(" is still "(" (it is drawn reflected)
    assert sorted(run.text for run in brackets) == ["(", ")"]
    [line] = layout("Ada (Lovelace)", STYLE, 500)
    assert not any(run.mirrored for run in line.runs)


def test_lines_break_at_spaces_between_cjk_characters_and_inside_overlong_words() -> None:
    words = layout("alpha beta gamma delta", STYLE, 60)
    assert [squeeze(display(x)) for x in words] == ["alphabeta", "gamma", "delta"]
    cjk = layout("王芳山田太郎王芳山田太郎", STYLE, 45)
    assert len(cjk) > 1 and "".join(display(x) for x in cjk) == "王芳山田太郎王芳山田太郎"
    long = layout("x" * 300, STYLE, 100)
    assert len(long) > 1 and all(x.width <= 100 for x in long)
    assert "".join(display(x) for x in long) == "x" * 300
    assert all(x.width <= 60.01 for x in words)


def test_newlines_and_paragraph_separators_start_new_lines() -> None:
    assert len(layout("one\ntwo\u2028three\u2029four", STYLE, 500)) == 4


def test_clipped_fits_the_width_with_an_ellipsis() -> None:
    line = clipped("A very long assessment title " * 20, STYLE, 120)
    assert line.width <= 120 and display(line).endswith("…")


def test_drawing_never_parses_markup() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    lines = layout("<font color=red>x</font> &amp; <para>", STYLE, 400)
    draw_lines(canvas, lines, 10, 800, 400, STYLE)
    canvas.showPage()
    canvas.save()
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
    assert text.strip() == "<font color=red>x</font> &amp; <para>"
