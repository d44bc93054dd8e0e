"""Playwright with Debian's Chromium (Playwright cannot fetch its own browser here): its headless
shell where installed (package chromium-headless-shell), else the full browser (chromium).

Without Chromium these tests skip with the reason shown; with REQUIRE_BROWSER=1 (set by CI) the
missing browser is a failure instead, so a green CI run always includes the browser tests. The
same holds for axe-core (from npm), which `assert_accessible` uses to check WCAG 2.1 A and AA.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.accessibility import (
    ARTIFACTS,
    MISSING_AXE,
    axe_source,
    axe_violations,
    describe,
    save_report,
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The headless shell is the same Chromium, drawing the same pages, without the browser window
# around them. The full browser in headless mode still builds that window's own web pages (its
# toolbar's WebUI) for every new context: about a second of CPU each time, and a page load took
# twice the CPU. The browser tests open dozens of contexts (one per person), so on two cores that
# was a fifth of the whole suite's CPU. CHROMIUM_PATH picks another browser.
SHELL_NAMES = ("chromium-headless-shell",)
BROWSER_NAMES = ("chromium", "chromium-browser")


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    for name in (*SHELL_NAMES, *BROWSER_NAMES):
        if found := shutil.which(name):
            return found
    return None


def chromium_args(executable: str) -> list[str]:
    """The full browser is told to run without a window; the headless shell has none."""
    if Path(executable).name in SHELL_NAMES:
        return CHROMIUM_ARGS
    return ["--headless=new", *CHROMIUM_ARGS]


def skip_or_fail(reason: str) -> None:
    """Skip for want of a tool, except where REQUIRE_BROWSER=1 (CI) says it must be there."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        skip_or_fail(
            "Chromium saknas: installera Debians paket 'chromium-headless-shell' (eller "
            "'chromium', eller sätt CHROMIUM_PATH) "
            "för att köra webbläsartesterna."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the tests' own database calls
    # stay synchronous, so Django's guard against ORM use inside an event loop is lifted while
    # the browser runs (and only then: the deploy check rightly refuses the variable).
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=executable, args=chromium_args(executable)
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def close_windows(request):
    """Every window a test opened is closed when it ends, passed or failed, before its database is
    emptied: a page left open (its autosave, say) would go on asking the live server."""
    browser = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    yield
    if browser is not None:
        for context in browser.contexts:
            context.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Keep a picture of what the user saw, for people reviewing a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@pytest.fixture(scope="session")
def axe_script() -> str:
    source = axe_source()
    if source is None:
        skip_or_fail(MISSING_AXE)
    return source


@pytest.fixture
def assert_accessible(axe_script):
    """`assert_accessible(page, *, name)`: fail with axe's WCAG 2.1 A and AA violations, if any.

    The name labels the failure, and axe's findings land in test-artifacts/axe-NAME.json (an
    empty list when the page passes, so no stale report outlives a fix).
    """

    def check(page, *, name: str) -> None:
        __tracebackhide__ = True
        violations = axe_violations(page, axe_script)
        save_report(violations, name=name, url=page.url)
        if violations:
            pytest.fail(describe(violations, name=name, url=page.url))

    return check


@pytest.fixture
def seeded(settings, tmp_path):
    """The demo data, as `make run` loads it, with uploads kept in a temporary folder (seed_demo's
    own rows and files, restored from the first seeding in this test process: tests/seeding.py)."""
    from tests import seeding

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    seeding.seed_demo(tmp_path)
    settings.DEBUG = False


def log_in(page, username: str) -> None:
    page.goto("/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")


@pytest.fixture
def draft(seeded):
    """A statement in draft: Södermalm's answer to the open demo remiss, started by handlaggare."""
    from django.contrib.auth import get_user_model

    from remiss import drafting
    from remiss.models import Recipient

    recipient = Recipient.objects.get(
        remiss__title__startswith="Uppföljning", organisation__registry_prefix="SÖD"
    )
    user = get_user_model().objects.get(username="handlaggare")
    return drafting.start_statement(recipient=recipient, user=user)
