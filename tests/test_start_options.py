"""`assessor`'s own options, read by the app before the command line loads (to paint the
queue first) and by the command line's parser: the same options, and no paint for anything
but a plain window start."""

from __future__ import annotations

import pytest

from assessor.cli import _parser
from assessor.start_options import window_args


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], {"data_dir": None, "demo": False, "self_test": False, "start_probe": False}),
        (["--data-dir", "/d"], {"data_dir": "/d", "demo": False}),
        (["--data-dir=/d", "--start-probe"], {"data_dir": "/d", "start_probe": True}),
        (["--data", "/d"], {"data_dir": "/d"}),  # argparse's abbreviations, as the CLI has
        (["--demo"], {"demo": True}),
        (["--self-test", "--screenshots", "/s"], {"self_test": True, "screenshots": "/s"}),
    ],
)
def test_a_plain_window_start_reads_as_the_command_line_reads_it(
    argv: list[str], expected: dict[str, object]
) -> None:
    args = window_args(argv)
    assert args is not None
    assert {k: getattr(args, k) for k in expected} == expected
    assert vars(args) == vars(_parser(commands=False).parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["rubric", "list"],  # a command
        ["--data-dir", "/d", "submission", "list"],
        ["-h"],
        ["--help"],
        ["--version"],
        ["--ver"],  # the abbreviation argparse accepts
        ["--data-dir"],  # no value: the command line says so
        ["--no-such-option"],
        ["--screenshots", "/s"],  # without --self-test: the command line refuses it
        ["--data-dir", "/d\udcff"],  # not UTF-8: the command line refuses it
    ],
)
def test_anything_else_is_left_to_the_command_line_and_says_nothing(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert window_args(argv) is None
    assert capsys.readouterr() == ("", "")


def test_a_data_folder_variable_that_is_not_utf8_is_left_to_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ASSESSOR_DATA_DIR", "/d\udcff")
    assert window_args([]) is None
