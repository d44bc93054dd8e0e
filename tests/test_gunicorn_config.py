"""deploy/gunicorn.conf.py: the master loads the portal once and the workers are forks of it.

A worker that loads the portal itself takes 1-2 s of CPU before it serves, each time
max_requests replaces one; in the load benchmark that halved /halsa/'s rate. With preload_app
the master loads it, imports every view and freezes the garbage collector's view of it before
the first fork, with no database connection open for the workers to share.
(tests/test_scale_out.py runs gunicorn with this file, two servers and a worker.)"""

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"


@pytest.fixture
def config() -> dict:
    return runpy.run_path(str(CONFIG))


@pytest.fixture
def frozen():
    """Undo the hooks' gc.freeze() after the test: the rest of the suite runs in this process."""
    before = gc.get_freeze_count()
    yield before
    gc.unfreeze()


def process(preload: bool) -> SimpleNamespace:
    """gunicorn's server or worker object, as far as the hooks read it."""
    return SimpleNamespace(cfg=SimpleNamespace(preload_app=preload))


def test_the_master_loads_the_portal_before_the_workers_fork(config):
    assert config["preload_app"] is True
    assert config["worker_class"] == "sync" and config["max_requests"] == 2000


@pytest.mark.django_db(transaction=True)
def test_the_master_freezes_what_it_loaded_and_forks_no_database_connection(config, frozen):
    connection.ensure_connection()
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()

    config["when_ready"](process(preload=True))

    assert gc.get_freeze_count() > frozen
    if not in_memory:  # Django keeps an in-memory SQLite database's one connection open
        assert connection.connection is None


def test_a_preloaded_worker_loads_nothing_again(config, frozen):
    config["post_worker_init"](process(preload=True))

    assert gc.get_freeze_count() == frozen


def test_without_preload_each_worker_loads_and_freezes_for_itself(config, frozen):
    config["when_ready"](process(preload=False))
    assert gc.get_freeze_count() == frozen

    config["post_worker_init"](process(preload=False))
    assert gc.get_freeze_count() > frozen
