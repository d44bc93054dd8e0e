"""gunicorn's settings for Remissportalen (`make serve`, the systemd unit and the container).

Why these numbers:
- workers: sync workers, 2 × cores + 1 (gunicorn's rule of thumb), or WEB_CONCURRENCY. A request
  here spends most of its time waiting for PostgreSQL, so one more process per core keeps the
  CPU busy; each process holds about 100 MB once the portal is loaded (WeasyPrint and Pango, 23
  MB more, are loaded only by a process that renders: the worker), so on a small machine set
  WEB_CONCURRENCY lower rather than add threads.
- timeout 60 s: PDFs, archived ones and previews alike, are rendered by the worker, never in a
  request; the slowest page takes well under a second. A worker silent for 60 s is stuck and is
  restarted; the load balancer's own timeout should be a little longer (75 s).
- graceful_timeout 30 s: on a restart (an upgrade) a process finishes the request it is serving.
- max_requests 2000 ± 200: each process is replaced now and then, so a slow leak in a C library
  (Pango, HarfBuzz) never grows unbounded; the jitter keeps them from restarting together.
- worker_tmp_dir /dev/shm: the heartbeat file of each process on memory, not on the disk (in a
  container /tmp may be on an overlay that stalls).
- keepalive 5 s: behind a proxy that reuses connections.
- No control socket (see below), no files of our own: the app server writes nothing to disk.
- No access log: the portal logs one JSON line per request itself (remiss.operations), with the
  request id and the user's id.
- preload_app: the master process loads the portal once, imports every view (the URL patterns)
  and calls gc.freeze(); each worker is then a fork of it. A new worker (at start, and each time
  max_requests replaces one) begins serving at once instead of after loading Django and the portal
  again: 1-2 s of CPU, during which the other workers carried its share. In the
  load benchmark that replacement halved /halsa/'s rate (1,074 against 2,122-2,200 requests a
  second) and put its 99th percentile at 0.9 s. The workers share the loaded code's memory until
  they write to it, and gc.freeze() keeps the collector from walking (and so copying) those
  tens of thousands of long-lived objects: a collection during a request only looks at the
  request's own objects.
  A new release therefore needs a restart of the service, not a reload (HUP forks new workers
  from the master's loaded code): docs/deployment.md's upgrade steps restart.
"""

import gc
import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
worker_class = "sync"
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
preload_app = True
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - see above
accesslog = None
errorlog = "-"
# X-Forwarded-For and -Proto are trusted from these addresses only (the proxy); gunicorn also
# reads FORWARDED_ALLOW_IPS from the environment.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "remissportalen"
# gunicorn 27 opens a control socket in the home folder by default: nothing uses it here, and two
# servers on one machine would share it.
control_socket_disable = True


def on_starting(server):
    """Prometheus' per-process files from a previous run would be counted again: start empty."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def when_ready(server):
    """In the master, the portal loaded (preload_app) and before the first fork."""
    if server.cfg.preload_app:
        _load_and_freeze()


def post_worker_init(worker):
    """In each worker, when the master did not load the portal (`--no-preload`)."""
    if not worker.cfg.preload_app:
        _load_and_freeze()


def _load_and_freeze():
    """Load what every request needs once, then take it out of the garbage collector's sight.
    No database connection may be open when the workers fork: they would share its socket."""
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    connections.close_all()
    gc.collect()
    gc.freeze()
