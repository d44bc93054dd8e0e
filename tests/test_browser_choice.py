"""Which Chromium the browser tests drive (tests/browser/conftest.py): the headless shell where it
is installed, the full browser otherwise (told to run without a window), CHROMIUM_PATH above both,
and nothing when none is there, so that the tests skip or, in CI, fail with the reason."""

import pytest

from tests.browser.conftest import chromium_args, chromium_path


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """A PATH holding only the browsers a test puts there."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)

    def install(*names: str) -> None:
        for name in names:
            program = tmp_path / name
            program.write_text("#!/bin/sh\n")
            program.chmod(0o755)

    install.folder = tmp_path
    return install


def test_the_headless_shell_is_preferred_to_the_full_browser(machine):
    machine("chromium", "chromium-headless-shell")

    executable = chromium_path()

    assert executable == str(machine.folder / "chromium-headless-shell")
    assert "--headless=new" not in chromium_args(executable)


def test_without_the_shell_the_full_browser_runs_headless(machine):
    machine("chromium")

    executable = chromium_path()

    assert executable == str(machine.folder / "chromium")
    assert chromium_args(executable)[0] == "--headless=new"


def test_chromium_path_wins_and_a_missing_one_counts_as_no_browser(machine, monkeypatch):
    machine("chromium-headless-shell", "my-chromium")
    monkeypatch.setenv("CHROMIUM_PATH", str(machine.folder / "my-chromium"))
    assert chromium_path() == str(machine.folder / "my-chromium")

    monkeypatch.setenv("CHROMIUM_PATH", str(machine.folder / "gone"))
    assert chromium_path() is None


def test_no_browser_at_all_is_none(machine):
    assert chromium_path() is None
