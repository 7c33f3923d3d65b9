"""Typed settings: defaults, JSON round trip, errors naming file and key, upgrades, atomic save."""

from __future__ import annotations

import json
import logging
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

from assessor import settings as s
from assessor.settings import Settings, SettingsError


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    loaded = s.load(tmp_path / "settings.json")
    assert loaded == Settings()
    assert loaded.version == s.CURRENT_VERSION
    assert loaded.theme == "system"
    assert loaded.font_scale == 1.0
    assert loaded.search_delay_ms == 250
    assert loaded.confirm_open_external is True
    assert loaded.lock_after_minutes == 15
    assert loaded.queue_page_size == 200
    assert loaded.backend_url == ""


def test_round_trip_keeps_every_value(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "settings.json"  # save makes the folder
    chosen = Settings(
        theme="dark",
        font_scale=1.25,
        search_delay_ms=0,
        confirm_open_external=False,
        lock_after_minutes=0,
        queue_page_size=1000,
        backend_url="https://badges.example.org/assessor",
    )
    s.save(path, chosen)
    assert s.load(path) == chosen
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["version"] == s.CURRENT_VERSION
    assert on_disk["theme"] == "dark"


def test_a_partial_file_takes_defaults_for_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.json", {"version": 1, "theme": "light"})
    assert s.load(path) == replace(Settings(), theme="light")


def test_a_whole_number_is_accepted_for_the_font_scale(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.json", {"version": 1, "font_scale": 1})
    loaded = s.load(path)
    assert loaded.font_scale == 1.0
    assert isinstance(loaded.font_scale, float)


def test_unknown_keys_are_ignored_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "settings.json", {"version": 1, "colour": "red", "theme": "dark"})
    with caplog.at_level(logging.WARNING, logger="assessor.settings"):
        loaded = s.load(path)
    assert loaded.theme == "dark"
    assert "colour" in caplog.text
    assert str(path) in caplog.text


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("theme", "blue", "must be one of system, light, dark"),
        ("theme", 3, "must be text"),
        ("font_scale", "big", "must be a number"),
        ("font_scale", True, "must be a number"),
        ("search_delay_ms", 2.5, "must be a whole number"),
        ("search_delay_ms", "250", "must be a whole number"),
        ("confirm_open_external", "yes", "must be true or false"),
        ("confirm_open_external", 1, "must be true or false"),
        ("queue_page_size", None, "must be a whole number"),
        ("backend_url", 5, "must be text"),
        ("backend_url", "ftp://badges.example.org", "must start with https://"),
        ("backend_url", "https://user:pw@badges.example.org", "leave the user name and password"),
        ("backend_url", "https://badges.example.org/?token=abc", "cannot contain ? or #"),
        ("backend_url", "https://", "needs a server name"),
        ("version", "one", "must be a whole number"),
    ],
)
def test_a_wrong_type_names_the_file_and_the_key(
    tmp_path: Path, key: str, value: object, words: str
) -> None:
    data: dict[str, Any] = {"version": 1, key: value}
    path = write(tmp_path / "settings.json", data)
    with pytest.raises(SettingsError) as caught:
        s.load(path)
    error = caught.value
    assert error.code == "bad-settings"
    assert error.key == key
    assert error.path == path
    assert str(error).startswith(f"{path}: {key}: ")
    assert words in str(error)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("font_scale", 0.79),
        ("font_scale", 1.61),
        ("font_scale", float("nan")),
        ("search_delay_ms", -1),
        ("search_delay_ms", 2001),
        ("lock_after_minutes", -5),
        ("lock_after_minutes", 24 * 60 + 1),
        ("queue_page_size", 49),
        ("queue_page_size", 1001),
    ],
)
def test_out_of_range_values_are_refused(tmp_path: Path, key: str, value: object) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, key: value}), encoding="utf-8")
    with pytest.raises(SettingsError, match=rf"^{path}: {key}: must be") as caught:
        s.load(path)
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("key", "value"),
    [("font_scale", 0.8), ("font_scale", 1.6), ("search_delay_ms", 0), ("search_delay_ms", 2000),
     ("lock_after_minutes", 0), ("queue_page_size", 50), ("queue_page_size", 1000)],
)  # fmt: skip
def test_range_ends_are_allowed(tmp_path: Path, key: str, value: object) -> None:
    path = write(tmp_path / "settings.json", {"version": 1, key: value})
    assert getattr(s.load(path), key) == value


def test_constructing_bad_settings_in_code_is_refused_too() -> None:
    with pytest.raises(SettingsError, match=r"^queue_page_size: must be between 50 and 1000"):
        Settings(queue_page_size=10)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "is not valid JSON (line 1, column 2"),
        (b"[1, 2]", "must hold a JSON object"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        (b'{"theme": "dark", "theme": "light"}', "the key 'theme' appears twice"),
    ],
)
def test_a_file_that_is_not_settings_json_names_the_file(
    tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    with pytest.raises(SettingsError) as caught:
        s.load(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert words in str(caught.value)


def test_version_0_is_upgraded_through_the_table(tmp_path: Path) -> None:
    # Version 0 files have no "version" and call the search delay "search_debounce_ms".
    path = write(tmp_path / "settings.json", {"search_debounce_ms": 400, "theme": "dark"})
    loaded = s.load(path)
    assert loaded.search_delay_ms == 400
    assert loaded.theme == "dark"
    assert loaded.version == s.CURRENT_VERSION
    s.save(path, loaded)
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert "search_debounce_ms" not in on_disk
    assert on_disk["version"] == s.CURRENT_VERSION


def test_every_version_step_has_an_upgrade() -> None:
    assert sorted(s.UPGRADES) == list(range(1, s.CURRENT_VERSION + 1))


def test_an_upgrade_step_runs_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def step(n: int) -> s.Upgrade:
        def run(data: dict[str, Any]) -> dict[str, Any]:
            seen.append(n)
            assert data.get("version", 0) == n - 1
            return data

        return run

    monkeypatch.setattr(s, "CURRENT_VERSION", 3)
    monkeypatch.setattr(s, "UPGRADES", {1: step(1), 2: step(2), 3: step(3)})
    assert s.upgrade({})["version"] == 3
    assert seen == [1, 2, 3]


def test_a_file_from_a_newer_assessor_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.json", {"version": s.CURRENT_VERSION + 1})
    with pytest.raises(SettingsError, match=rf"^{path}: version: written by a newer Assessor"):
        s.load(path)


def test_save_is_atomic_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    s.save(path, Settings(theme="light"))
    s.save(path, Settings(theme="dark"))
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
    assert s.load(path).theme == "dark"


def test_a_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    s.save(path, Settings(theme="light"))
    before = path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("assessor.store.files.os.replace", broken_replace)
    with pytest.raises(OSError):
        s.save(path, Settings(theme="dark"))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_no_setting_holds_a_secret() -> None:
    # Tokens and unlock secrets belong in the system keyring, never in settings.json.
    for f in fields(Settings):
        for word in ("token", "password", "passphrase", "secret", "key"):
            assert word not in f.name


def test_ranges_and_choices_are_exposed_for_the_dialog() -> None:
    assert s.value_range("font_scale") == (0.8, 1.6)
    assert s.value_range("queue_page_size") == (50, 1000)
    assert s.choices("theme") == ("system", "light", "dark")
    assert s.backend_url_problem("") is None
    assert s.backend_url_problem("http://127.0.0.1:8000") is None
    assert s.backend_url_problem("https://x.example:99999") == "this is not a web address"
