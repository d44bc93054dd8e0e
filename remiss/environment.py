"""Reading settings from environment variables, failing loudly on bad values.

Every error names the variable and says what it expects, so that a mistyped deployment stops at
start-up with a message an operator can act on, rather than running with a silent fallback.
"""

import datetime
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return value.strip()


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = _raw(name)
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"{name}: variabeln måste vara satt (se .env.example).")
    return default or ""


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if not value:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}: ogiltigt värde {value!r}; ange 1 eller 0 (även true/false, yes/no, on/off)."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _raw(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: ogiltigt värde {value!r}; ange ett heltal.") from None
    if number < minimum:
        raise ImproperlyConfigured(
            f"{name}: {number} är för litet; minsta tillåtna värde är {minimum}."
        )
    return number


def env_list(name: str, default: list[str] | None = None, *, required: bool = False) -> list[str]:
    value = _raw(name)
    items = [item.strip() for item in (value or "").split(",") if item.strip()]
    if items:
        return items
    if required:
        raise ImproperlyConfigured(
            f"{name}: variabeln måste vara satt, som en kommaseparerad lista "
            "(till exempel remiss.example.se,www.remiss.example.se)."
        )
    return list(default or [])


def env_secret_key(name: str, *, debug: bool, development_key_file: Path | None = None) -> str:
    """The secret key. Never a default in production. While DEBUG is on and none is set: a random
    key made once for this checkout (kept in `development_key_file`, which git ignores, so that
    logins survive a restart of the development server), or one per process where the file
    cannot be written. No usable key is ever in the repository."""
    value = _raw(name)
    if debug and not value:
        return _development_key(development_key_file)
    if not value:
        raise ImproperlyConfigured(
            f"{name}: variabeln måste vara satt när DEBUG=0; ange minst 50 slumpmässiga tecken, "
            'till exempel från python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )
    if not debug and (len(value) < 50 or value.startswith("django-insecure")):
        raise ImproperlyConfigured(
            f"{name}: nyckeln är för svag för produktion; ange minst 50 slumpmässiga tecken."
        )
    return value


def _development_key(path: Path | None) -> str:
    try:
        if path is not None and path.is_file():
            key = path.read_text(encoding="ascii").strip()
            if len(key) >= 50:
                return key
        key = "django-insecure-" + secrets.token_urlsafe(50)
        if path is not None:
            path.write_text(key + "\n", encoding="ascii")
            path.chmod(0o600)
        return key
    except (OSError, UnicodeError):
        return "django-insecure-" + secrets.token_urlsafe(50)


def env_database(name: str, *, default_sqlite: Path) -> Any:
    value = _raw(name)
    if not value:
        return _with_sqlite_options(
            {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite)}
        )
    try:
        # No health check (a `SELECT 1` before the first query of every request): a connection
        # that broke between two requests (PostgreSQL restarted) fails that one request, and
        # Django closes it at the request's end, so the next request opens a fresh one. A query
        # on every request for an event of once a month is not worth it.
        config = dj_database_url.parse(
            value,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600, minimum=0),
            conn_health_checks=False,
        )
    except Exception as error:  # dj_database_url raises several kinds of error for bad URLs
        raise ImproperlyConfigured(
            f"{name}: kan inte tolka {value!r} ({error}); ange till exempel "
            "postgres://användare:lösenord@127.0.0.1:5432/remiss eller sqlite:////sökväg/db.sqlite3."
        ) from None
    if config.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured(
            f"{name}: databasen {config.get('ENGINE')!r} stöds inte; använd postgres:// eller sqlite://."
        )
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}: adressen saknar databasens namn: {value!r}.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config = _with_sqlite_options(config)
    else:
        config = _with_postgresql_options(config)
    return config


def _with_postgresql_options(config: Any) -> Any:
    """Queries planned once per connection, not once per request.

    PostgreSQL spent more time planning the portal's queries than running them (the statement
    lookup joins eight tables: 8–10 ms to plan, 0.3 ms to run). With server-side binding
    psycopg sends the parameters apart from the SQL, and a query run DATABASE_PREPARE_THRESHOLD
    times on a connection is prepared there and then only executed; the connections are kept for
    DATABASE_CONN_MAX_AGE seconds (600) so the prepared plans are reused across requests.

    Behind a pooler in transaction mode, PgBouncer 1.21 or newer with max_prepared_statements
    set keeps this working; with an older pooler set DATABASE_PREPARE_THRESHOLD=off (and
    DATABASE_CONN_MAX_AGE=0 if it asks for that), which turns preparing off."""
    threshold = (_raw("DATABASE_PREPARE_THRESHOLD") or "5").strip().lower()
    if threshold in {"off", "none", "0"}:
        prepare: int | None = None
    else:
        prepare = env_int("DATABASE_PREPARE_THRESHOLD", 5, minimum=1)
    options = dict(config.get("OPTIONS", {}))
    # No JIT compilation: the portal's queries are short, and at national size the search's
    # cost estimate (a tsvector per row) made PostgreSQL spend 2.2 s compiling a query that ran
    # in 70 ms, and the public list 0.4 s (docs/scale.md).
    options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
    return {
        **config,
        "OPTIONS": {**options, "server_side_binding": True, "prepare_threshold": prepare},
    }


def _with_sqlite_options(config: Any) -> Any:
    """SQLite opened so that simultaneous writes wait their turn instead of failing with
    "database is locked": every transaction takes the write lock when it begins (IMMEDIATE, so a
    reader never has to upgrade and deadlock), a busy connection waits up to 20 s, and the
    write-ahead log lets readers go on while one writes."""
    return {
        **config,
        "OPTIONS": {
            **config.get("OPTIONS", {}),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def env_path(name: str, default: Path) -> Path:
    value = _raw(name)
    if not value:
        return default
    path = Path(value)
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name}: ange en absolut sökväg, inte {value!r}.")
    return path


def env_time(name: str, default: str) -> datetime.time:
    """A time of day, HH:MM."""
    value = _raw(name) or default
    try:
        return datetime.time.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}: ogiltig tid {value!r}; ange timmar och minuter, till exempel 06:00."
        ) from None
