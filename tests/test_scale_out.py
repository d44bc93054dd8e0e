"""Scale-out, proved on this machine: two stateless app servers, one worker, PostgreSQL, Redis
and an S3 server, each a process of its own, configured only through the documented variables
(.env.example) in production mode (DEBUG=0).

The test starts a throw-away PostgreSQL database, a Redis database number of its own (keys under
a prefix of their own), moto's S3 server on loopback, two gunicorn app servers (A and B, as
`make serve` runs them) and one worker (`manage.py worker`), then:

1. logs in on A and continues the session on B (sessions in Redis);
2. uploads an attachment through A and downloads it through B (files in the bucket);
3. justifies on B (immediate justification, signed by the chair and the justerare) and, while
   the worker renders the archived PDFs, kills the worker (SIGKILL: no goodbye); a new worker
   hands the task back and finishes it;
4. downloads the archived PDFs through A, checksums checked;
5. stops A and keeps working on B.

Every wait is bounded; every process is killed, the database dropped and the Redis keys removed
in a finally. Nothing leaves loopback. Runs on the PostgreSQL suite (row locks and a real
multi-process database are the point); on SQLite it is skipped as needing PostgreSQL.
"""

import contextlib
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import redis
import requests

from tests import s3_server
from tests.test_uploads import weasyprint_pdf

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_SCALE_REDIS_URL", "redis://127.0.0.1:6379/6")
PASSWORD = "demo"  # tests.conftest.make_user's password
RENDER_TASK = "remiss.documents.render_document"  # one task per archived document

pytestmark = [
    pytest.mark.scale,
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="needs PostgreSQL (set DATABASE_URL; CI runs it on the PostgreSQL suite)",
    ),
]


# --- Waiting and processes -----------------------------------------------------------------------


def wait_for(condition: Callable[[], object], *, seconds: float, what: str, every=0.1):
    """The condition's first true value, or a failure naming what never happened."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {seconds} s in vain: {what}")
        time.sleep(every)


def port_in(preferred: range, taken: frozenset[int] = frozenset()) -> int:
    """A free port not already chosen, from this engineer's range when one is free there."""
    for port in preferred:
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return s3_server.free_port()


class Processes:
    """The cluster's processes, their logs in a folder, all stopped in the end."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], **extra_env: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's workers stop with it
        )
        log.close()
        self.running[name] = process
        return process

    def run(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"manage.py {args[0]}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.running.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.running):
            with contextlib.suppress(ProcessLookupError):
                self.stop(name)

    def log(self, name: str, tail: int | None = 4000) -> str:
        path = self.folder / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return text[-tail:] if tail else text


# --- A person with a browser ---------------------------------------------------------------------


class FormFields(HTMLParser):
    """The values a browser would post from the page's forms (no buttons, no files)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields[name] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = name
        elif (
            tag == "option"
            and self._select
            and (self._select not in self.fields or "selected" in a)
        ):
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    fields = parser.fields
    return {name: value.removeprefix("\n") for name, value in fields.items()}


class Person:
    """Cookies kept by hand: the servers set them Secure (production) and we speak plain HTTP
    on loopback, where a cookie jar would withhold them."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        response = requests.request(
            method, url, cookies=self.cookies, allow_redirects=False, timeout=60, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, url: str) -> requests.Response:
        return self.request("GET", url)

    def post(self, url: str, data: dict, files=None) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        return self.request("POST", url, data=data, files=files)

    def log_in(self, server: str, username: str) -> None:
        self.get(f"{server}/logga-in/")
        response = self.post(f"{server}/logga-in/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.text[:2000]


# --- The cluster ---------------------------------------------------------------------------------


def create_database(admin, name: str, django_db_blocker) -> None:
    """The throw-away database as a copy of this test process's migrated test database (a
    template copy takes half a second; migrating an empty one takes 15 to 20 s of the suite's
    time); an empty one when the copy cannot be made (another session is still on the template,
    or no test of this run needed the test database, so it was never made).
    Either way `migrate` runs on it next, as an upgrade would."""
    from django.db import connection, connections

    with django_db_blocker.unblock():
        template = connection.settings_dict["NAME"]
        connections.close_all()  # PostgreSQL copies only a database no one is connected to
    # Only this test process uses its test database; a connection still open on it belongs to
    # a thread of an earlier test (a live server's request thread), which will not use it again.
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid() AND state = 'idle'",
        [template],
    )
    try:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    except (psycopg.errors.ObjectInUse, psycopg.errors.InvalidCatalogName) as error:
        warnings.warn(f"scale-out: migrating an empty database ({error})", stacklevel=2)
        admin.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture
def cluster(tmp_path, django_db_setup, django_db_blocker):
    """Everything started; yields (processes, settings, a database query function)."""
    parts = urlsplit(DATABASE_URL)
    name = f"remiss_scale_{os.getpid()}_{secrets.token_hex(3)}"
    admin_url = parts._replace(path="/postgres").geturl()
    database_url = parts._replace(path=f"/{name}").geturl()
    prefix = f"scale-{uuid.uuid4().hex[:8]}"
    # Each port is chosen before anything listens on it, so the ones chosen are excluded.
    s3_port = port_in(range(8153, 8160))
    port_a = port_in(range(8151, 8160), frozenset({s3_port}))
    port_b = port_in(range(8152, 8160), frozenset({s3_port, port_a}))
    endpoint = f"http://127.0.0.1:{s3_port}"
    bucket = "remissportalen"
    metrics_token = secrets.token_urlsafe(24)
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
    env = {
        **{k: v for k, v in os.environ.items() if k in keep},
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "remiss.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(s3_server.free_port()),  # nobody listens: mail fails fast, logged
        "EMAIL_TIMEOUT": "2",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; a proxy does TLS in production
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        **s3_server.environment(endpoint, bucket),
        "MEDIA_ROOT": str(tmp_path / "media"),  # must stay empty
        "STATIC_ROOT": str(tmp_path / "static"),
        "TASKS_BACKEND": "database",
        "WEB_CONCURRENCY": "2",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_STALE_SECONDS": "3",
        "METRICS_TOKEN": metrics_token,
        "LOG_FORMAT": "json",
    }
    processes = Processes(tmp_path, env)
    admin = psycopg.connect(admin_url, autocommit=True)
    database = None
    try:
        create_database(admin, name, django_db_blocker)
        processes.start(
            "s3",
            [
                sys.executable,
                "-c",
                "from moto.server import main; main()",
                "-H",
                "127.0.0.1",
                "-p",
                str(s3_port),
            ],
        )
        # The S3 server starts while the database is migrated and the case is built.
        processes.run("migrate", "--no-input", "--verbosity", "0")
        processes.run("collectstatic", "--no-input", "--verbosity", "0")
        world = json.loads(
            processes.run(
                "shell", "--no-imports", "-c", "from tests.scale_world import build; build()"
            ).splitlines()[-1]
        )
        wait_for(lambda: _answers(f"{endpoint}/"), seconds=60, what="the S3 server to answer")
        s3_server.client(endpoint).create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": s3_server.REGION}
        )
        servers = {}
        for label, port in (("A", port_a), ("B", port_b)):
            processes.start(
                f"app{label}",
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "-c",
                    "deploy/gunicorn.conf.py",
                    "remiss.wsgi",
                ],
                GUNICORN_BIND=f"127.0.0.1:{port}",
            )
            servers[label] = f"http://127.0.0.1:{port}"
        for label, url in servers.items():
            wait_for(
                lambda url=url: _answers(f"{url}/halsa/redo/", status=200),
                seconds=90,
                what=f"app server {label} to be ready",
            )
        database = psycopg.connect(database_url, autocommit=True)

        def query(sql: str, *params):
            return database.execute(sql, params).fetchall()

        yield {
            "processes": processes,
            "servers": servers,
            "world": world,
            "query": query,
            "endpoint": endpoint,
            "bucket": bucket,
            "media": tmp_path / "media",
            "metrics_token": metrics_token,
        }
    finally:
        processes.stop_all()
        if database is not None:
            database.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        server = redis.Redis.from_url(REDIS_URL)
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)


def _answers(url: str, status: int | None = None) -> bool:
    try:
        response = requests.get(url, timeout=10)
    except requests.RequestException:  # not listening yet, or still starting up
        return False
    return status is None or response.status_code == status


# --- The walk ------------------------------------------------------------------------------------


def test_two_app_servers_and_a_worker_share_sessions_files_and_work(cluster):
    processes, query = cluster["processes"], cluster["query"]
    a, b = cluster["servers"]["A"], cluster["servers"]["B"]
    statement_id = cluster["world"]["statement"]
    meeting_id = cluster["world"]["meeting"]

    # Static files: hashed names, cached for a year, from either server.
    login_page = requests.get(f"{b}/logga-in/", timeout=30).text
    stylesheet = login_page.split('href="/static/css/', 1)[1].split('"', 1)[0]
    assert stylesheet.count(".") == 2, f"not a hashed name: {stylesheet}"
    static = requests.get(f"{a}/static/css/{stylesheet}", timeout=30)
    assert static.status_code == 200
    assert "immutable" in static.headers["Cache-Control"]

    # 1. Logged in on A, the session goes on on B.
    handlaggare = Person()
    handlaggare.log_in(a, "handlaggare")
    on_b = handlaggare.get(f"{b}/")
    assert on_b.status_code == 200, on_b.headers.get("Location")
    assert "Logga ut" in on_b.text

    # 2. An attachment uploaded through A, downloaded through B.
    content = weasyprint_pdf()
    edit = handlaggare.get(f"{a}/utlatanden/{statement_id}/redigera/")
    fields = form_fields(edit.text)
    saved = handlaggare.post(
        f"{a}/utlatanden/{statement_id}/redigera/",
        {**fields, "action": "save", "attachment_title": "Säkerhetsprogrammet"},
        files={"file": ("Säkerhetsprogram.pdf", content, "application/pdf")},
    )
    assert saved.status_code == 302, saved.text[:3000]
    [(attachment_id, attachment_name, attachment_sha)] = query(
        "SELECT id, file, sha256 FROM remiss_attachment"
    )
    assert attachment_sha == hashlib.sha256(content).hexdigest()
    assert s3_server.objects(cluster["endpoint"], cluster["bucket"]) == {attachment_name: content}
    downloaded = handlaggare.get(f"{b}/bilagor/{attachment_id}/")
    assert downloaded.status_code == 200
    assert downloaded.content == content

    # Between the steps the direktor signs and the sekreterare puts it on the agenda.
    number = json.loads(
        processes.run(
            "shell",
            "--no-imports",
            "-c",
            f"from tests.scale_world import sign_and_put_on_agenda as s; s({statement_id})",
        ).splitlines()[-1]
    )["number"]

    # 3. Justified on B; the worker is killed while it renders, a new one finishes the job.
    worker_command = [
        sys.executable,
        "manage.py",
        "worker",
        "--interval",
        "0.2",
        "--no-startup-delay",
    ]
    processes.start("worker1", worker_command)
    wait_for(
        lambda: query("SELECT 1 FROM remiss_workerheartbeat"),
        seconds=60,
        what="the worker's first heartbeat",
    )
    sekreterare = Person()
    sekreterare.log_in(b, "sekreterare")
    decision_url = f"{b}/sammantraden/{meeting_id}/paragrafer/{number}/beslut/"
    fields = form_fields(sekreterare.get(decision_url).text)
    decided = sekreterare.post(decision_url, {**fields, "outcome": "adopted", "immediate": "on"})
    assert decided.status_code == 302, decided.text[:3000]
    # The chair and the justerare justify the paragraph themselves, on the signing page with
    # their password; the justerare's signature completes it and orders the archived PDFs.
    justify_url = f"{b}/sammantraden/{meeting_id}/paragrafer/{number}/justera/"
    for name in ("ordforande", "justerare"):
        person = Person()
        person.log_in(b, name)
        page = form_fields(person.get(justify_url).text)
        signed = person.post(justify_url, {**page, "password": PASSWORD})
        assert signed.status_code == 302, signed.text[:3000]
    wait_for(
        lambda: query(
            "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE task_path = %s AND status = %s",
            RENDER_TASK,
            "RUNNING",
        ),
        seconds=60,
        what="the worker to start rendering",
        every=0.02,
    )
    processes.stop("worker1", signal.SIGKILL)
    [(killed_task,)] = query(
        "SELECT id FROM django_tasks_database_dbtaskresult WHERE task_path = %s AND status = %s",
        RENDER_TASK,
        "RUNNING",
    )
    assert query("SELECT 1 FROM remiss_storeddocument WHERE state <> 'ready'"), (
        "the rendering finished before the worker could be killed"
    )

    processes.start("worker2", worker_command)
    wait_for(
        lambda: query("SELECT DISTINCT state FROM remiss_storeddocument") == [("ready",)],
        seconds=180,
        what="the restarted worker to finish the archived PDFs\n" + processes.log("worker2"),
        every=0.5,
    )
    wait_for(
        lambda: (
            query(
                "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", killed_task
            )
            == [("SUCCESSFUL",)]
        ),
        seconds=60,
        what="the killed worker's task to be handed back and run",
        every=0.5,
    )
    [(worker_ids,)] = query(
        "SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s", killed_task
    )
    assert len(worker_ids) == 2  # claimed by the killed worker, then by the new one

    # 4. The archived PDFs, rendered by the worker, served by A after the checksum check.
    documents = query("SELECT id, kind, sha256, file FROM remiss_storeddocument ORDER BY kind")
    assert [kind for _, kind, _, _ in documents] == ["extract", "reply", "statement"]
    stored = s3_server.objects(cluster["endpoint"], cluster["bucket"])
    for document_id, kind, sha256, name in documents:
        assert hashlib.sha256(stored[name]).hexdigest() == sha256, kind
        served = handlaggare.get(f"{a}/handlingar/{document_id}/")
        assert served.status_code == 200, kind
        assert hashlib.sha256(served.content).hexdigest() == sha256, kind
    assert not cluster["media"].exists() or not any(cluster["media"].rglob("*"))

    # 5. A stops; B goes on with the same sessions and files.
    processes.stop("appA")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{a}/halsa/", timeout=5)
    assert handlaggare.get(f"{b}/").status_code == 200
    reply_id = next(d for d, kind, _, _ in documents if kind == "reply")
    assert handlaggare.get(f"{b}/handlingar/{reply_id}/").status_code == 200
    ready = requests.get(f"{b}/halsa/redo/", timeout=30).json()
    assert ready == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "storage": "ok"}}

    # The metrics: for the token only; the queue as the database has it.
    assert requests.get(f"{b}/drift/metrics/", timeout=30).status_code == 404
    metrics = requests.get(
        f"{b}/drift/metrics/",
        headers={"Authorization": f"Bearer {cluster['metrics_token']}"},
        timeout=30,
    ).text
    assert 'remiss_task_queue_length{status="RUNNING"}' in metrics
    assert "remiss_http_requests_total" in metrics

    # Every request of B was logged as one JSON line with its request id.
    lines = [
        json.loads(line)
        for line in processes.log("appB", tail=None).splitlines()
        if line.startswith("{") and '"remiss.requests"' in line
    ]
    assert any(
        entry["path"] == f"/handlingar/{reply_id}/" and entry["status"] == 200 and entry["user_id"]
        for entry in lines
    )
