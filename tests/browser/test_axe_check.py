"""The accessibility check itself: it must judge the page a click led to, not the one it left.

A click on a link returns once the next page has begun to arrive. CI once failed when axe ran in
that moment, on a document with no element yet. The next page here arrives slowly on purpose (its
first bytes, a pause, then the rest), from a small server of its own, so the moment is there every
time.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.accessibility import axe_violations

PAUSE = 0.5
FIRST = (
    b'<!doctype html><html lang="sv"><title>Start</title>'
    b'<main><a href="/ny/">Ny remiss</a></main></html>'
)
SLOW_HEAD = b"<!doctype html>"
SLOW_REST = b'<html lang="sv"><title>Ny remiss</title><main><img src="/karta.png"></main></html>'


class Pages(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        if self.path == "/":
            self.wfile.write(FIRST)
            return
        self.wfile.write(SLOW_HEAD)
        self.wfile.flush()
        time.sleep(PAUSE)
        self.wfile.write(SLOW_REST)

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_the_check_judges_the_page_a_click_led_to_even_while_it_is_arriving(
    browser, axe_script, slow_site
):
    page = browser.new_context(base_url=slow_site).new_page()
    page.goto("/")
    page.get_by_role("link", name="Ny remiss").click()

    violations = axe_violations(page, axe_script)

    assert page.url == f"{slow_site}/ny/"
    # The image without a text alternative is on the page that arrived, not on the start page.
    assert [rule["id"] for rule in violations] == ["image-alt"]
