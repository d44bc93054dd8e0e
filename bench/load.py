"""Load benchmark: the portal under gunicorn in production mode, on a large city.

Run with `make bench-load` (or `.venv/bin/python bench/load.py`). It

1. creates a throw-away PostgreSQL database (remiss_bench_<pid>, dropped at the end, also on
   error or Ctrl-C), or an SQLite file when PostgreSQL cannot be reached, and says so; migrates,
   loads the demo data, and writes a large city with bulk inserts (bench/city.py);
2. counts the database queries of each measured page once, in this process, with Django's test
   client (after one warm-up request);
3. serves a bare Django hello view (bench/hello.py) with the same gunicorn configuration and
   client, then the portal (bench/settings.py: the portal's settings and one URL more, the
   empty logged-in view /bench/tom/) with deploy/gunicorn.conf.py and production settings:
   DEBUG=0, a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SMTP host localhost, no HTTPS
   redirect or HSTS (plain HTTP on loopback), tasks run immediately;
4. logs in through the login form (CSRF token, session cookie) and measures each page for a
   fixed time at a fixed concurrency, with wrk when installed (else the Python client):
   requests per second as a ratio to the hello view, to the empty logged-in view and to
   /halsa/, median and 95th percentile latency, SQL statements (without transaction control);
5. runs the load: simulated users at once for a fixed time, handläggare reading their inbox and
   their own statement and saving it (the edit form with its base_version, as a person would),
   remissamordnare reading their inbox and status boards; counts errors (any 5xx or failed
   connection), the saves the portal accepted, and checks in the database that exactly that many
   new versions were written.

Every request loop stops after a number of requests and after a time, whichever comes first;
the server is stopped and the database dropped at the end. Only loopback is ever contacted.
Not a test: nothing here passes or fails, except that the load's errors must be 0 and the
versions must match, which the exit status reports (1 when not). docs/benchmarks.md quotes the
latest figures. Settings (environment variables, defaults in brackets; short mode in braces):

    BENCH_PAGE_SECONDS [15] {5}   time per page     BENCH_CONCURRENCY [4]   connections per page
    BENCH_REQUESTS [200]      requests per page with the Python client (without wrk)
    BENCH_WORKERS [2]         gunicorn workers (one per core of the development machine)
    BENCH_LOAD_USERS [50]     simulated users          BENCH_LOAD_SECONDS [60] {20} load duration
    BENCH_REMISSES [500] {100}  remisses in the city   BENCH_RECIPIENTS [30]   recipients each
    BENCH_VERSIONS [200]      versions of the statement on the statement page
    BENCH_POSTGRES [postgres://postgres@127.0.0.1:5432]  the server for the throw-away database
    BENCH_PORTS [8110-8119]   ports for the servers    BENCH_SHORT [0]         1: the short mode
    BENCH_REDIS_URL []        cache and sessions in this Redis, as in production (keys
                              prefixed per run); unset: in each worker's memory
"""

import datetime
import http.client
import importlib.util
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Installed into the venv when missing, until gunicorn is one of the project's dependencies.
GUNICORN = "gunicorn==27.0.1"
# The load client for the per-page measurements when installed (Debian's wrk, `make
# bench-load` installs it through scripts/system_packages.sh): written in C, it leaves the cores
# to the server where the Python client took a good share of them. Without it, the Python client.
WRK = shutil.which("wrk")
HOST = "127.0.0.1"
TIMEOUT = 30  # seconds for one request


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{name}: expected a whole number of at least 1, not {value!r}")
    return int(value)


# BENCH_SHORT=1: the short mode (under 3 minutes with a city of 100 remisses): shorter windows,
# fewer users; every figure is still measured the same way.
SHORT = os.environ.get("BENCH_SHORT", "").strip() not in {"", "0"}
REQUESTS = _setting("BENCH_REQUESTS", 200)
CONCURRENCY = _setting("BENCH_CONCURRENCY", 4)
PAGE_SECONDS = _setting("BENCH_PAGE_SECONDS", 5 if SHORT else 15)
WORKERS = _setting("BENCH_WORKERS", 2)
LOAD_USERS = _setting("BENCH_LOAD_USERS", 50)
LOAD_SECONDS = _setting("BENCH_LOAD_SECONDS", 20 if SHORT else 60)
REMISSES = _setting("BENCH_REMISSES", 100 if SHORT else 500)
RECIPIENTS = _setting("BENCH_RECIPIENTS", 30)
VERSIONS = _setting("BENCH_VERSIONS", 200)
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
# The load's upper bound in requests, whatever the time.
LOAD_MAX_REQUESTS = 2000 * LOAD_USERS


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


# --- What the harness needs ---------------------------------------------------------------------


def ensure_gunicorn() -> str:
    if importlib.util.find_spec("gunicorn") is None:
        log(f"gunicorn is not installed in {sys.prefix}; installing {GUNICORN} with pip")
        result = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", GUNICORN], check=False
        )
        if result.returncode != 0 or importlib.util.find_spec("gunicorn") is None:
            raise SystemExit(
                f"gunicorn is missing and could not be installed: run "
                f"{sys.executable} -m pip install {GUNICORN}"
            )
    from importlib.metadata import version

    return version("gunicorn")


# --- The throw-away database --------------------------------------------------------------------


class Database:
    """A PostgreSQL database of our own (dropped at the end), or an SQLite file in workdir."""

    def __init__(self, workdir: Path):
        self.name = f"remiss_bench_{os.getpid()}"
        self.created = False
        self.vendor = "SQLite"
        self.url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        try:
            import psycopg

            with psycopg.connect(
                f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5
            ) as connection:
                version = connection.execute("SHOW server_version").fetchone()[0]
                connection.execute(f'CREATE DATABASE "{self.name}"')
        except Exception as error:  # unreachable, refused, no rights: the SQLite fallback
            log(f"PostgreSQL at {_safe(POSTGRES)} cannot be used ({str(error).strip()})")
            log(
                "FALLING BACK TO SQLITE: the figures are not comparable with PostgreSQL, and "
                "concurrent saves may be refused as 'database is locked'"
            )
            return
        self.created = True
        self.vendor = f"PostgreSQL {version.split()[0]}"
        self.url = f"{POSTGRES}/{self.name}"
        log(f"created database {self.name} on {self.vendor} at {_safe(POSTGRES)}")

    def drop(self) -> None:
        if not self.created:
            return
        import psycopg

        try:
            with psycopg.connect(
                f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5
            ) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        except Exception as error:
            log(f"could not drop {self.name}: {error}; drop it by hand")
            return
        self.created = False
        log(f"dropped database {self.name}")


def _safe(url: str) -> str:
    """The URL without a password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def django_environment(database: Database, workdir: Path) -> dict:
    return {
        "DATABASE_URL": database.url,
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "TASKS_BACKEND": "immediate",
        # The portal's settings with /bench/tom/, the empty logged-in view (bench/urls.py).
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }


def setup_django(database: Database, workdir: Path) -> None:
    """Django in this process: development mode (seed_demo refuses to run otherwise)."""
    os.environ.update(
        django_environment(database, workdir), DEBUG="1", LOG_LEVEL="ERROR", EMAIL_HOST=""
    )
    import logging

    import django

    django.setup()
    logging.getLogger("django.tasks").setLevel(logging.WARNING)  # a line per rendering task


# --- The pages ----------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    user: str | None  # None: without login


def key(page: Page) -> str:
    """Two pages may share a path (the inbox, as two people)."""
    return f"{page.user or ''}:{page.path}"


HELLO = Page("bare Django hello view", "/", None)  # bench/hello.py, a server of its own
EMPTY = "/bench/tom/"


def pages(city) -> list[Page]:
    return [
        Page("/halsa/ (baseline)", "/halsa/", None),
        Page("empty logged-in view", EMPTY, "handlaggare"),
        Page(f"inbox / ({city.inbox_rows} received)", "/", "handlaggare"),
        Page(f"ks inbox / ({city.remiss_count} sent)", "/", "ks"),
        Page(
            f"status board ({RECIPIENTS} recipients)",
            f"/remisser/{city.showcase_remiss}/",
            "ks",
        ),
        Page(
            f"statement ({city.heavy_versions} versions)",
            f"/utlatanden/{city.heavy_statement}/",
            "handlaggare",
        ),
        Page("compilation", f"/remisser/{city.showcase_remiss}/sammanstallning/", "ks"),
        Page("archived reply PDF", f"/handlingar/{city.document}/", "ks"),
        # A word most replies hold: the search ranks every statement that has it (7.3 s at
        # 2,000 remisses before PostgreSQL kept the words, migration 0029).
        Page("search 'trygghet'", "/sok/?q=trygghet", "ks"),
    ]


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


def count_queries(page_list: list[Page]) -> dict[str, int]:
    """SQL statements per page (not counting transaction control), in this process, after one
    warm-up request."""
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in page_list:
        client = Client(SERVER_NAME=HOST)
        if page.user:
            client.force_login(get_user_model().objects.get(username=page.user))
        for measured in (False, True):
            reset_queries()  # with DEBUG on the log is capped: a full one would count nothing
            with CaptureQueriesContext(connection) as context:
                response = client.get(page.path)
                if response.streaming:
                    b"".join(response.streaming_content)
                response.close()
            if response.status_code != 200:
                raise RuntimeError(f"{page.path} answered {response.status_code} in process")
            if measured:
                counts[key(page)] = sum(
                    1
                    for query in context.captured_queries
                    if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
                )
    return counts


# --- A small HTTP client: one connection per request (gunicorn's sync workers close them) -------


class Failure(Exception):
    pass


@dataclass
class Response:
    status: int
    location: str
    body: bytes
    seconds: float


class Browser:
    """Cookies by hand: the portal's cookies are Secure in production, which a cookie jar would
    not send over plain HTTP on loopback."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def copy(self) -> "Browser":
        other = Browser(self.port)
        other.cookies = dict(self.cookies)
        return other

    def request(self, method: str, path: str, fields=None) -> Response:
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "remiss-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            pairs = fields.items() if isinstance(fields, dict) else fields
            body = urlencode([(name, value) for name, value in pairs]).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{self.port}"
        start = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - start
        for cookie in answer.msg.get_all("Set-Cookie") or []:
            pair, _, attributes = cookie.partition(";")
            name, _, value = pair.strip().partition("=")
            if "max-age=0" in attributes.lower().replace(" ", ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Response(answer.status, answer.getheader("Location") or "", content, seconds)

    def login(self, username: str, password: str) -> None:
        page = self.request("GET", "/logga-in/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or token is None:
            raise Failure(f"login page answered {page.status} without a CSRF token")
        answer = self.request(
            "POST",
            "/logga-in/",
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": username,
                "password": password,
                "next": "",
            },
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise Failure(f"logging in as {username} answered {answer.status}, not 302")


class FormFields(HTMLParser):
    """The fields a browser would post from one form: inputs, checked boxes, text areas and
    selected options (the empty rows' templates, named __prefix__, left out)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[list[str]] = []
        self.textarea: list | None = None
        self.select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
            return
        if not self.inside or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.fields.append([name, attributes.get("value") or "on"])
                return
            self.fields.append([name, attributes.get("value") or ""])
        elif tag == "textarea" and name:
            self.textarea = [name, []]
        elif tag == "select" and name:
            self.select = {"name": name, "first": None, "chosen": None}
        elif tag == "option" and self.select is not None:
            value = attributes.get("value") or ""
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attributes:
                self.select["chosen"] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            text = "".join(self.textarea[1])
            self.fields.append([self.textarea[0], text.removeprefix("\n")])
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            self.fields.append([self.select["name"], chosen or self.select["first"] or ""])
            self.select = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)

    @classmethod
    def of(cls, html: bytes, form_id: str) -> list[list[str]]:
        parser = cls(form_id)
        parser.feed(html.decode("utf-8"))
        parser.close()
        return [pair for pair in parser.fields if "__prefix__" not in pair[0]]


# --- Fixed-concurrency measurement ---------------------------------------------------------------


@dataclass
class Run:
    latencies: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    seconds: float = 0.0
    size: int = 0

    @property
    def done(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        return percentile(sorted(self.latencies), q)


def percentile(ordered: list[float], q: float) -> float:
    """Nearest rank."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def hammer(browser: Browser, path: str, total: int, concurrency: int, seconds: float) -> Run:
    """GET path `total` times, `concurrency` at once, stopping early after `seconds`."""
    run = Run()
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + seconds

    def worker(own: Browser):
        nonlocal issued
        while True:
            with lock:
                if issued >= total or time.monotonic() > deadline:
                    return
                issued += 1
            try:
                answer = own.request("GET", path)
            except (OSError, http.client.HTTPException):
                with lock:
                    run.errors += 1
                continue
            with lock:
                run.latencies.append(answer.seconds)
                run.statuses[answer.status] += 1
                run.size = len(answer.body)
                if answer.status != 200:  # every measured page answers 200
                    run.errors += 1

    threads = [
        threading.Thread(target=worker, args=(browser.copy(),), daemon=True)
        for _ in range(concurrency)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 2 * TIMEOUT)
    run.seconds = time.perf_counter() - start
    return run


@dataclass
class WrkRun:
    """wrk's figures for one page, read the same way as a Run."""

    done: int
    seconds: float
    p50: float
    p95: float
    errors: int
    size: int = 0
    statuses: Counter = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        return {50: self.p50, 95: self.p95}[q]


def measure(browser: Browser, path: str) -> Run | WrkRun:
    """One page for PAGE_SECONDS at CONCURRENCY (at most REQUESTS with the Python client):
    with wrk when installed, else the Python client."""
    size = len(browser.request("GET", path).body)
    if WRK is None:
        return hammer(browser, path, REQUESTS, CONCURRENCY, PAGE_SECONDS)
    command = [
        WRK,
        f"-t{min(2, CONCURRENCY)}",
        f"-c{CONCURRENCY}",
        f"-d{PAGE_SECONDS}s",
        f"--timeout={TIMEOUT}s",
        "-s",
        str(ROOT / "bench" / "wrk_report.lua"),
        "-H",
        f"Host: {HOST}:{browser.port}",
    ]
    if browser.cookies:
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://{HOST}:{browser.port}{path}")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    errors = sum(figures[name] for name in ("connect", "read", "write", "status", "timeout"))
    return WrkRun(
        done=figures["requests"],
        seconds=figures["seconds"],
        p50=figures["p50_us"] / 1e6,
        p95=figures["p95_us"] / 1e6,
        errors=errors,
        size=size,
        statuses=Counter({200: figures["requests"] - figures["status"]}),
    )


# --- The server --------------------------------------------------------------------------------


# Ports to serve on, the first free one of them (BENCH_PORTS, "8110-8119"; empty: any free port).
PORTS = os.environ.get("BENCH_PORTS", "8110-8119").strip()
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "").strip()


def free_port() -> int:
    if PORTS:
        first, _, last = PORTS.partition("-")
        for port in range(int(first), int(last or first) + 1):
            with socket.socket() as probe:
                try:
                    probe.bind((HOST, port))
                except OSError:
                    continue
                return port
        raise SystemExit(f"BENCH_PORTS: no free port in {PORTS}")
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn in production mode, in its own session so that it can be stopped as a whole."""

    def __init__(self, database: Database, workdir: Path, app: str = "remiss.wsgi:application"):
        self.port = free_port()
        self.log_path = workdir / f"gunicorn-{app.split(':')[0]}.log"
        env = {
            **os.environ,
            **django_environment(database, workdir),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": f"http://{HOST}:{self.port}",
            "SITE_URL": f"http://{HOST}:{self.port}",
            "EMAIL_HOST": "localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "SECURE_PROXY_SSL_HEADER": "0",
            "LOG_LEVEL": "WARNING",
            # The static files were gathered in this process (development settings), without
            # the hashed names' manifest; the pages measured never serve one.
            "STATIC_HASHED_NAMES": "0",
        }
        if REDIS_URL:  # sessions read from Redis on every request, as in production
            env.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"bench-{self.port}")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            # The production configuration (the portal loaded once in the master and the workers
            # forked from it, gc.freeze(), max_requests, and the rest), with the benchmark's
            # address, workers and timeouts on top.
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ]
        with self.log_path.open("wb") as output:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
            try:
                probe = "/" if app.startswith("bench.hello") else "/halsa/"
                if Browser(self.port).request("GET", probe).status == 200:
                    log(f"gunicorn serving on http://{HOST}:{self.port} ({WORKERS} workers)")
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # the master stops its workers gracefully
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: ours only
                self.process.wait(10)
        log("gunicorn stopped")


# --- The load -----------------------------------------------------------------------------------

STALE_MESSAGE = "Någon annan har sparat utlåtandet"


@dataclass
class Tally:
    """One virtual user's record of the load."""

    latencies: dict = field(default_factory=dict)  # action → [seconds]
    failed: int = 0  # no answer: refused, reset or timed out
    server_errors: int = 0  # 5xx
    unexpected: list = field(default_factory=list)  # any other answer than the expected one
    accepted: int = 0
    stale: int = 0

    def note(self, action: str, answer: Response | None, expected: bool) -> None:
        if answer is None:
            self.failed += 1
            return
        self.latencies.setdefault(action, []).append(answer.seconds)
        if answer.status >= 500:
            self.server_errors += 1
        elif not expected:
            self.unexpected.append(f"{action}: {answer.status}")


class VirtualUser(threading.Thread):
    """One simulated person, logged in with their own session; acts until the end or until the
    shared budget of requests runs out."""

    def __init__(self, port: int, username: str, seed: float, city):
        super().__init__(daemon=True)
        self.browser = Browser(port)
        self.username = username
        self.rng = random.Random(seed)  # noqa: S311 - a repeatable mix, not a secret
        self.city = city
        self.end = 0.0
        self.budget: Budget | None = None
        self.tally = Tally()

    def get(self, action: str, path: str) -> Response | None:
        try:
            answer = self.browser.request("GET", path)
        except (OSError, http.client.HTTPException):
            self.tally.note(action, None, False)
            return None
        self.tally.note(action, answer, answer.status == 200)
        return answer

    def run(self):
        while time.monotonic() < self.end and self.budget.take():
            try:
                self.act()
            except Exception as error:  # the harness' own fault: reported, never hidden
                self.tally.unexpected.append(f"harness error: {error!r}")
                return


class Writer(VirtualUser):
    """A handläggare: the inbox, their own statement, and saves of it."""

    def __init__(self, *args, statement: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.statement = statement
        self.edit_path = f"/utlatanden/{statement}/redigera/"
        self.saves = 0
        self.fields = None
        self.summary = None

    def load_form(self, answer: Response) -> None:
        self.fields = FormFields.of(answer.body, "statement-form")
        if self.summary is None:
            self.summary = dict(self.fields).get("summary", "")
        if not any(name == "base_version" for name, _ in self.fields):
            raise Failure(f"no base_version in the edit form of statement {self.statement}")

    def act(self):
        action = self.rng.choices(["inbox", "statement", "save"], weights=[25, 35, 40])[0]
        if action == "inbox":
            self.get("inbox", "/")
        elif action == "statement":
            self.get("statement page", f"/utlatanden/{self.statement}/")
        else:
            self.save()

    def save(self):
        self.saves += 1
        fields = [
            [name, f"{self.summary} Sparning {self.saves}." if name == "summary" else value]
            for name, value in self.fields
        ]
        fields.append(["action", "save"])
        try:
            answer = self.browser.request("POST", self.edit_path, fields)
        except (OSError, http.client.HTTPException):
            self.tally.note("save (POST)", None, False)
            return
        if answer.status == 302 and answer.location.endswith(self.edit_path):
            self.tally.accepted += 1
            self.tally.note("save (POST)", answer, True)
            follow = self.get("edit page", self.edit_path)  # as the browser follows it
            if follow is not None and follow.status == 200:
                self.load_form(follow)
        elif answer.status == 200 and STALE_MESSAGE in answer.body.decode("utf-8", "replace"):
            self.tally.stale += 1  # an expected refusal: the form now holds the newer version
            self.tally.note("save (POST)", answer, True)
            self.load_form(answer)
        else:
            self.tally.note("save (POST)", answer, False)


class Coordinator(VirtualUser):
    """A remissamordnare: the inbox (the remisses sent) and status boards."""

    def act(self):
        if self.rng.random() < 0.3:
            self.get("inbox", "/")
        else:
            remiss = self.rng.choice(self.city.board_remisses)
            self.get("status board", f"/remisser/{remiss}/")


class Budget:
    """The load's upper bound in requests (actions), shared by every user."""

    def __init__(self, total: int):
        self.left = total
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def in_parallel(jobs, width: int) -> None:
    """Run the callables, `width` at once; re-raise the first failure."""
    jobs = list(jobs)
    failures = []
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not jobs or failures:
                    return
                job = jobs.pop()
            try:
                job()
            except Exception as error:
                with lock:
                    failures.append(error)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(width)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def load(port: int, city) -> dict:
    from bench.city import PASSWORD
    from remiss.models import Statement, StatementVersion

    users: list[VirtualUser] = [
        Writer(port, username, n, city, statement=statement)
        for n, (username, statement) in enumerate(city.writers)
    ]
    users += [
        Coordinator(port, username, 1000 + n, city) for n, username in enumerate(city.coordinators)
    ]

    def prepare(user: VirtualUser):
        user.browser.login(user.username, PASSWORD)
        if isinstance(user, Writer):
            answer = user.browser.request("GET", user.edit_path)
            if answer.status != 200:
                raise Failure(f"{user.edit_path} answered {answer.status} to {user.username}")
            user.load_form(answer)

    log(f"logging in {len(users)} users")
    in_parallel([lambda u=u: prepare(u) for u in users], WORKERS)

    writer_statements = [statement for _, statement in city.writers]
    versions_before = StatementVersion.objects.count()
    numbers_before = dict(
        Statement.objects.filter(pk__in=writer_statements).values_list("pk", "version")
    )
    budget = Budget(LOAD_MAX_REQUESTS)
    log(f"load: {len(users)} users for {LOAD_SECONDS} s")
    start = time.perf_counter()
    end = time.monotonic() + LOAD_SECONDS
    for user in users:
        user.end, user.budget = end, budget
        user.start()
    for user in users:
        user.join(LOAD_SECONDS + 3 * TIMEOUT)
    seconds = time.perf_counter() - start
    stuck = sum(user.is_alive() for user in users)

    versions_after = StatementVersion.objects.count()
    numbers_after = dict(
        Statement.objects.filter(pk__in=writer_statements).values_list("pk", "version")
    )
    by_action: dict[str, list] = {}
    unexpected = []
    for user in users:
        for action, values in user.tally.latencies.items():
            by_action.setdefault(action, []).extend(values)
        unexpected += user.tally.unexpected
    return {
        "users": len(users),
        "writers": len(city.writers),
        "coordinators": len(city.coordinators),
        "seconds": seconds,
        "answered": sum(len(v) for v in by_action.values()),
        "failed": sum(u.tally.failed for u in users),
        "errors": sum(u.tally.failed + u.tally.server_errors for u in users),
        "unexpected": unexpected,
        "accepted": sum(u.tally.accepted for u in users),
        "stale": sum(u.tally.stale for u in users),
        "new_versions": versions_after - versions_before,
        "version_numbers_moved": sum(
            numbers_after[pk] - numbers_before[pk] for pk in writer_statements
        ),
        "by_action": by_action,
        "stuck": stuck,
    }


# --- The report ---------------------------------------------------------------------------------


def milliseconds(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def ratio(value: float, base: float) -> float:
    return value / base if base else math.nan


def report(*, city, database, gunicorn, hello, runs, queries, page_list, result, busy) -> bool:
    halsa = runs[key(page_list[0])]
    empty = runs[key(page_list[1])]
    python = sys.version.split()[0]
    today = datetime.date.today().isoformat()
    now = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"Load benchmark, {today}: Remissportalen under gunicorn {gunicorn} ({WORKERS} sync "
        f"workers, deploy/gunicorn.conf.py, DEBUG=0) on {database.vendor}, Python {python}, "
        f"{os.cpu_count()} cores (load average {busy:.2f} before the run, {now} at its end); "
        f"sessions in {'Redis (BENCH_REDIS_URL)' if REDIS_URL else 'each worker’s memory'} "
        "and the database"
    )
    states = ", ".join(f"{k} {v}" for k, v in city.state_counts.items())
    print(
        f"City: {city.remiss_count} remisses × {RECIPIENTS} recipients = {city.recipient_count} "
        f"recipients; {city.statement_count} statements ({states}); {city.version_count} versions, "
        f"{city.history_count} history rows, {city.event_count} events, {city.meeting_count} "
        f"meetings, {city.decision_count} decisions, {city.document_count} archived reply PDFs"
    )
    client = "wrk" if WRK else f"the Python client (at most {REQUESTS} requests)"
    print(
        f"Each page: {PAGE_SECONDS} s with {client}, {CONCURRENCY} connections, after warm-up "
        "(errors: any answer but 2xx/3xx, or no answer); queries: SQL statements without "
        "transaction control, counted once in process (Django test client)"
    )
    print(
        f"Bare Django hello view (bench/hello.py, same gunicorn settings and client): "
        f"{hello.rate:.0f} req/s, p50 {milliseconds(hello.percentile(50))} ms, "
        f"p95 {milliseconds(hello.percentile(95))} ms, errors {hello.errors}"
    )
    print()
    header = (
        f"{'page':32} {'as':11} {'req/s':>7} {'× hello':>8} {'× empty':>8} {'× halsa':>8} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'queries':>7} {'size':>7} {'errors':>6}"
    )
    print(header)
    for page in page_list:
        run = runs[key(page)]
        size = f"{run.size / 1024:.0f} kB" if run.size >= 1024 else f"{run.size} B"
        print(
            f"{page.name:32} {page.user or '–':11} {run.rate:7.1f} "
            f"{ratio(run.rate, hello.rate):7.3f}× {ratio(run.rate, empty.rate):7.3f}× "
            f"{ratio(run.rate, halsa.rate):7.3f}× {milliseconds(run.percentile(50)):>7} "
            f"{milliseconds(run.percentile(95)):>7} {queries[key(page)]:7d} {size:>7} "
            f"{run.errors:6d}"
        )
    print()
    ok = result["errors"] == 0 and not result["unexpected"] and not result["stuck"]
    match = result["accepted"] == result["new_versions"] == result["version_numbers_moved"]
    print(
        f"Load: {result['users']} simulated users for {result['seconds']:.0f} s, no think time "
        f"({result['writers']} handläggare: inbox, own statement, save; "
        f"{result['coordinators']} remissamordnare: inbox, status boards)"
    )
    all_latencies = sorted(v for values in result["by_action"].values() for v in values)
    print(
        f"requests {result['answered'] + result['failed']} "
        f"({result['answered'] / result['seconds']:.1f}/s), errors (5xx or connection) "
        f"{result['errors']}, other unexpected answers {len(result['unexpected'])}, "
        f"p50 {milliseconds(percentile(all_latencies, 50))} ms, "
        f"p95 {milliseconds(percentile(all_latencies, 95))} ms"
    )
    for action, values in sorted(result["by_action"].items()):
        ordered = sorted(values)
        print(
            f"  {action:14} {len(values):6d} requests, p50 {milliseconds(percentile(ordered, 50))}"
            f" ms, p95 {milliseconds(percentile(ordered, 95))} ms"
        )
    print(
        f"saves accepted (302 to the edit page) {result['accepted']}, refused as stale "
        f"{result['stale']}; new StatementVersion rows in the database {result['new_versions']} "
        f"(version numbers moved {result['version_numbers_moved']}): "
        f"{'match' if match else 'MISMATCH'}"
    )
    if result["unexpected"]:
        print(f"unexpected answers (first 10): {result['unexpected'][:10]}")
    if result["stuck"]:
        print(f"{result['stuck']} users still waiting when the load ended")
    return ok and match


# --- Main ---------------------------------------------------------------------------------------


def main() -> int:
    busy = os.getloadavg()[0]  # other work on the machine skews every figure
    if busy > 0.5 * (os.cpu_count() or 1):
        log(f"the machine is busy (load average {busy:.1f}): the figures will be skewed")
    gunicorn = ensure_gunicorn()

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="remiss-bench-") as tmp:
        workdir = Path(tmp)
        database = Database(workdir)
        server = None
        try:
            setup_django(database, workdir)
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            log("migrated; seeding the city")
            from bench import city as city_module

            moment = time.perf_counter()
            coordinators = max(1, LOAD_USERS // 5)
            city = city_module.build(
                remisses=REMISSES,
                per_remiss=RECIPIENTS,
                heavy_versions=VERSIONS,
                writers=LOAD_USERS - coordinators,
                coordinators=coordinators,
            )
            log(f"seeded in {time.perf_counter() - moment:.0f} s")
            call_command("collectstatic", interactive=False, verbosity=0)
            page_list = pages(city)
            queries = count_queries(page_list)
            hello_server = Server(database, workdir, app="bench.hello:application")
            try:
                hello_browser = Browser(hello_server.port)
                hammer(hello_browser, HELLO.path, 2 * WORKERS, WORKERS, PAGE_SECONDS)  # warm-up
                hello = measure(hello_browser, HELLO.path)
                log(f"bare hello view: {hello.done} requests, {hello.rate:.1f}/s")
            finally:
                hello_server.stop()
            server = Server(database, workdir)
            browsers = {None: Browser(server.port)}
            for username in {p.user for p in page_list if p.user}:
                browsers[username] = Browser(server.port)
                browsers[username].login(username, city_module.PASSWORD)
            runs = {}
            for page in page_list:
                browser = browsers[page.user]
                hammer(browser, page.path, 2 * WORKERS, WORKERS, PAGE_SECONDS)  # warm-up
                runs[key(page)] = run = measure(browser, page.path)
                log(
                    f"{page.path} as {page.user}: {run.done} requests, {run.rate:.1f}/s, "
                    f"statuses {dict(run.statuses)}"
                )
                if run.errors:
                    log(f"{page.path} had {run.errors} errors:\n{server.log_tail()}")
            result = load(server.port, city)
            if result["errors"] or result["unexpected"]:
                log(f"server log:\n{server.log_tail()}")
            server.stop()
            server = None
            ok = report(
                city=city,
                database=database,
                gunicorn=gunicorn,
                hello=hello,
                runs=runs,
                queries=queries,
                page_list=page_list,
                result=result,
                busy=busy,
            )
        finally:
            if server is not None:
                server.stop()
            if "django" in sys.modules:
                from django.db import connections

                connections.close_all()
            database.drop()
    log(f"done in {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
