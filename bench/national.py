"""National-scale simulation: does one PostgreSQL hold Sweden? (`make bench-national`)

1. A throw-away PostgreSQL database (remiss_national_<pid>, dropped at the end, also on error),
   migrated, with the demo data (seed_demo: Stockholm, its people, the seed case).
2. The rest of the country written with COPY: NATIONAL_MUNICIPALITIES municipalities (290 by
   default), each a kommunstyrelse and NATIONAL_COUNCILS councils (30); NATIONAL_REMISSES
   remisses per municipality (300), each to every council of its municipality: about 2.6 million
   recipients, in every state. Stockholm gets the same volume on top of its demo data, so its
   people see a national-size inbox and status board. ANALYZE afterwards, as autovacuum would.
3. The main pages, as the people who use them (Django's test client, in this process): each
   page's queries captured, then each query run again under EXPLAIN (ANALYZE, BUFFERS).
4. docs/scale.md gets the report: rows per table, the machine's load, each page's time and query
   count, each query's time and plan, and every sequential scan of a table over 10,000 rows
   (the Done-when of issue 15: there should be none).

Environment (defaults in brackets): BENCH_POSTGRES [postgres://postgres@127.0.0.1:5432],
NATIONAL_MUNICIPALITIES [290], NATIONAL_COUNCILS [30], NATIONAL_REMISSES [300],
NATIONAL_REPORT [docs/scale.md]. Not a test: it measures; only loopback is contacted.
"""

import datetime
import json
import os
import random
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
MUNICIPALITIES = int(os.environ.get("NATIONAL_MUNICIPALITIES", "290"))
COUNCILS = int(os.environ.get("NATIONAL_COUNCILS", "30"))
REMISSES = int(os.environ.get("NATIONAL_REMISSES", "300"))
REPORT = Path(os.environ.get("NATIONAL_REPORT", ROOT / "docs" / "scale.md"))
LARGE_TABLE = 10_000
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:7.1f} s] {message}", file=sys.stderr, flush=True)


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples) into table; the number written. Every other column that must have a
    value and has no database default gets its model field's default, so that a column added
    by a later migration does not break the simulation."""
    extra, values = required_defaults(cursor, table, columns)
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join([*columns, *extra])}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *values))
            count += 1
    return count


def required_defaults(cursor, table: str, given: list[str]) -> tuple[list[str], list]:
    """The NOT NULL columns of the table without a database default that are not given, and
    the Python defaults of their model fields."""
    from django.apps import apps

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    fields = {field.column: field for field in model._meta.concrete_fields}
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
        " AND is_nullable = 'NO' AND column_default IS NULL ORDER BY ordinal_position",
        [table],
    )
    missing = [name for (name,) in cursor.fetchall() if name not in given and name != "id"]
    return missing, [fields[name].get_default() for name in missing]


def build_country(stockholm_ks_id: int, stockholm_councils: list[int]) -> dict[str, int]:
    """The other municipalities, and Stockholm's national-size volume, by COPY."""
    from django.db import connection

    rng = random.Random(15)  # noqa: S311 - made-up data, reproducible
    today = datetime.date.today()
    statuses = ["awaiting", "delivered", "declined"]
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor, for COPY
        cursor.execute("SELECT coalesce(max(id), 0) FROM remiss_organisation")
        next_org = cursor.fetchone()[0] + 1
        organisations = []  # (id, kind, name, prefix)
        senders: list[tuple[int, list[int]]] = [(stockholm_ks_id, stockholm_councils)]
        for m in range(1, MUNICIPALITIES):
            ks = next_org
            organisations.append((ks, "executive_board", f"Kommunstyrelsen i kommun {m:03d}", "KS"))
            councils = list(range(ks + 1, ks + 1 + COUNCILS))
            organisations += [
                (c, "specialist_board", f"Nämnd {n:02d} i kommun {m:03d}", f"N{n:02d}")
                for n, c in enumerate(councils, start=1)
            ]
            senders.append((ks, councils))
            next_org = ks + 1 + COUNCILS
        written = {
            "organisations": copy_rows(
                cursor,
                "remiss_organisation",
                [
                    "id",
                    "kind",
                    "name",
                    "administration",
                    "registry_prefix",
                    "valid_from",
                    "usual_justification_days",
                ],
                (
                    (i, kind, name, "", prefix, datetime.date(2007, 1, 1), 6)
                    for i, kind, name, prefix in organisations
                ),
            )
        }
        cursor.execute("SELECT coalesce(max(id), 0) FROM remiss_remiss")
        next_remiss = cursor.fetchone()[0] + 1
        remisses = []
        for ks, councils in senders:
            for n in range(REMISSES):
                sent = today - datetime.timedelta(days=rng.randrange(0, 730))
                remisses.append(
                    (
                        next_remiss,
                        f"KS {sent.year}/{90000 + n}",
                        f"Remiss {n} från {ks}",
                        "",
                        sent,
                        sent + datetime.timedelta(days=rng.randrange(20, 90)),
                        datetime.datetime.combine(sent, datetime.time(9), datetime.UTC),
                        ks,
                        councils,
                    )
                )
                next_remiss += 1
        written["remisses"] = copy_rows(
            cursor,
            "remiss_remiss",
            [
                "id",
                "registration_number",
                "title",
                "description",
                "sent_on",
                "deadline",
                "created_at",
                "sender_id",
            ],
            (row[:8] for row in remisses),
        )

        def recipients():
            for remiss_id, _, _, _, _, deadline, _, _, councils in remisses:
                for council in councils:
                    status = (
                        rng.choices(statuses, weights=[2, 7, 1])[0]
                        if deadline < today
                        else ("awaiting")
                    )
                    delivered = (
                        datetime.datetime.combine(deadline, datetime.time(12), datetime.UTC)
                        if status == "delivered"
                        else None
                    )
                    reason = "Nämnden avstår från att yttra sig." if status == "declined" else ""
                    yield (remiss_id, council, "", status, reason, delivered)

        written["recipients"] = copy_rows(
            cursor,
            "remiss_recipient",
            [
                "remiss_id",
                "organisation_id",
                "registration_number",
                "status",
                "declined_reason",
                "delivered_at",
            ],
            recipients(),
        )
        for table in ("remiss_organisation", "remiss_remiss", "remiss_recipient"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    return written


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC"
        )
        return dict(cursor.fetchall())


def explain(sql: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        return cursor.fetchone()[0][0]


def seq_scans(plan: dict, sizes: dict[str, int]) -> list[str]:
    found = []
    node = plan
    stack = [node["Plan"]]
    while stack:
        node = stack.pop()
        if (
            node["Node Type"] == "Seq Scan"
            and sizes.get(node.get("Relation Name"), 0) > LARGE_TABLE
        ):
            found.append(f"{node['Relation Name']} ({sizes[node['Relation Name']]:,} rows)")
        stack.extend(node.get("Plans", []))
    return found


def text_plan(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(pages: list[tuple[str, str, str]], sizes: dict[str, int]) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = []
    for label, username, path in pages:
        client = Client(HTTP_HOST="testserver")
        if username:
            client.force_login(get_user_model().objects.get(username=username))
        client.get(path)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - started
        queries = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            plan = explain(sql)
            queries.append(
                {
                    "sql": sql,
                    "ms": plan["Execution Time"],
                    "seq_scans": seq_scans(plan, sizes),
                    "plan": text_plan(sql),
                }
            )
        results.append(
            {
                "label": label,
                "path": path,
                "user": username or "anonym",
                "status": response.status_code,
                "ms": seconds * 1000,
                "queries": queries,
            }
        )
        log(f"{label}: {response.status_code}, {seconds * 1000:.0f} ms, {len(queries)} queries")
    return results


def write_report(written, sizes, results, build_seconds) -> None:
    load = os.getloadavg()
    lines = [
        "# One PostgreSQL for the whole country? (national-scale simulation)",
        "",
        f"Made by `make bench-national` (bench/national.py) on {datetime.date.today()}: "
        f"{MUNICIPALITIES} municipalities × ({COUNCILS} councils + a kommunstyrelse), "
        f"{REMISSES} remisses each, every remiss to its {COUNCILS} councils, written with COPY "
        f"in {build_seconds:.0f} s. Machine: {os.cpu_count()} cores shared with other work; "
        f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} when the report was "
        "written. Times are one warm request each: compare them with each other and with "
        "docs/benchmarks.md's one-city figures, not with another machine.",
        "",
        "## Rows",
        "",
        "| table | rows |",
        "|---|---:|",
        *(f"| {table} | {rows:,} |" for table, rows in sizes.items() if rows > 1000),
        "",
        "## Pages",
        "",
        "| page | as | status | ms | queries | slowest query (ms) | seq scans of large tables |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        slowest = max((q["ms"] for q in r["queries"]), default=0)
        scans = sorted({s for q in r["queries"] for s in q["seq_scans"]})
        lines.append(
            f"| {r['label']} `{r['path']}` | {r['user']} | {r['status']} | {r['ms']:.0f} | "
            f"{len(r['queries'])} | {slowest:.1f} | {', '.join(scans) or 'none'} |"
        )
    lines += [
        "",
        "## Plans",
        "",
        "Every SELECT of every page, under `EXPLAIN (ANALYZE, BUFFERS)`.",
        "",
    ]
    for r in results:
        lines += [f"### {r['label']} ({r['path']})", ""]
        for n, q in enumerate(r["queries"], start=1):
            flag = f" — **sequential scan: {', '.join(q['seq_scans'])}**" if q["seq_scans"] else ""
            lines += [
                f"{n}. {q['ms']:.2f} ms{flag}",
                "",
                "```sql",
                q["sql"][:1500],
                "```",
                "",
                "```",
                q["plan"],
                "```",
                "",
            ]
    REPORT.write_text("\n".join(lines) + "\n")
    log(f"report written to {REPORT}")


def main() -> int:
    import psycopg

    name = f"remiss_national_{os.getpid()}_{secrets.token_hex(2)}"
    admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    log(f"created database {name}")
    try:
        os.environ.update(
            DATABASE_URL=f"{POSTGRES}/{name}",
            DJANGO_SETTINGS_MODULE="remiss.settings",
            DEBUG="1",
            EMAIL_HOST="",
            TASKS_BACKEND="immediate",
            MEDIA_ROOT=str(Path(f"/tmp/{name}-media")),  # noqa: S108 - a throw-away folder
            LOG_LEVEL="ERROR",
            ALLOWED_HOSTS="testserver",
        )
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        log("migrated and seeded")
        from remiss.models import Organisation, Recipient, Remiss

        ks = Organisation.objects.get(kind=Organisation.Kind.EXECUTIVE_BOARD)
        # Södermalm first: handlaggare's inbox gets the national-size volume.
        others = Organisation.objects.exclude(pk=ks.pk).order_by("pk")
        councils = sorted(
            others.values_list("pk", "name"), key=lambda o: not o[1].startswith("Södermalm")
        )
        councils = [pk for pk, _ in councils][:COUNCILS]
        started = time.monotonic()
        written = build_country(ks.pk, councils)
        build_seconds = time.monotonic() - started
        log(f"wrote {json.dumps(written)} in {build_seconds:.0f} s")
        sizes = table_sizes()
        board = (
            Remiss.objects.filter(sender=ks, recipients__isnull=False).order_by("-sent_on").first()
        )
        delivered = Recipient.objects.filter(status="delivered", remiss__sender=ks).first()
        pages = [
            ("Mina ärenden", "handlaggare", "/"),
            ("Mina ärenden", "ks", "/"),
            ("Statustavla", "ks", f"/remisser/{board.pk}/"),
            ("Svar", "ks", f"/remisser/{delivered.remiss_id}/svar/{delivered.pk}/"),
            ("Sammanträden", "sekreterare", "/sammantraden/"),
            ("Sök", "ks", "/sok/?q=s%C3%A4kerhet"),
            ("Offentligt", "", "/offentligt/"),
        ]
        results = measure(pages, sizes)
        write_report(written, sizes, results, build_seconds)
        scans = sum(bool(q["seq_scans"]) for r in results for q in r["queries"])
        log(f"{scans} queries scan a large table sequentially")
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        log(f"dropped database {name}")


if __name__ == "__main__":
    sys.exit(main())
