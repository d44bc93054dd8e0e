"""PDF rendering benchmark: the seed statement and the reply bundle, against a minimal render.

Run with `make bench-pdf` (or `.venv/bin/python bench/pdf_render.py`). It loads the seed case
into a throw-away SQLite database, then measures, in this one process:

- the median wall time of each render over several rounds, as a ratio to a minimal one-page
  WeasyPrint render (so the figures compare across machines);
- the peak memory of one render, each in a fresh child process: the process' maximum resident
  set size before and after the render (it includes WeasyPrint's native allocations), and the
  Python heap's peak during the render from tracemalloc.

Not a test: nothing here passes or fails. The README quotes the latest table.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def setup(workdir: Path | None) -> None:
    """Django on the benchmark's own database (made in workdir; children reuse the parent's)."""
    if workdir is not None:
        os.environ.update(
            DEBUG="1",
            DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
            MEDIA_ROOT=str(workdir / "media"),
            TASKS_BACKEND="immediate",
            DJANGO_SETTINGS_MODULE="remiss.settings",
            LOG_LEVEL="ERROR",
        )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def subjects():
    """name → function making the PDF bytes."""
    from weasyprint import HTML

    from remiss import documents, pdf
    from remiss.models import Decision, Statement

    statement = Statement.objects.get(recipient__registration_number="SÖD 2019/1102")
    decision = Decision.objects.get(item__statement=statement)

    def reply():
        return documents.RENDERERS[documents.Kind.REPLY](
            documents.StoredDocument(decision=decision, kind=documents.Kind.REPLY)
        ).content

    return {
        "minimal one-page render": lambda: HTML(string="<p>Hej</p>").write_pdf(),
        "seed statement (PDF/A-2a)": lambda: pdf.statement_pdf(statement),
        "protokollsutdrag (PDF/A-2a)": lambda: pdf.extract_pdf(decision),
        "reply bundle (PDF/A-3a)": reply,
    }


def _peak_rss_kb() -> int:
    """This process' peak resident set (VmHWM). Unlike getrusage's ru_maxrss it starts afresh
    at exec, so a child does not inherit the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("VmHWM not found in /proc/self/status (Linux only)")


def child(name: str) -> None:
    """Measure one render's memory in a fresh process; print JSON."""
    import tracemalloc

    work = subjects()[name]
    before = _peak_rss_kb()
    tracemalloc.start()
    size = len(work())
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = _peak_rss_kb()
    print(
        json.dumps(
            {
                "rss_before_kb": before,
                "rss_peak_kb": after,
                "heap_peak_kb": heap_peak // 1024,
                "bytes": size,
            }
        )
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        setup(workdir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        works = subjects()
        for work in works.values():  # warm up: fonts, Pango, templates
            work()
        times = {}
        for name, work in works.items():
            samples = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                work()
                samples.append(time.perf_counter() - start)
            times[name] = statistics.median(samples)
        memory = {}
        for name in works:
            out = subprocess.run(
                [sys.executable, __file__, "--child", name],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ},
            )
            memory[name] = json.loads(out.stdout.strip().splitlines()[-1])
    base = times["minimal one-page render"]
    python = sys.version.split()[0]
    print(f"PDF rendering, median of {ROUNDS} rounds after warm-up (Python {python})")
    print(
        f"{'render':30} {'median':>9} {'× minimal':>10} {'process RSS before → peak':>26} "
        f"{'heap peak':>10} {'size':>7}"
    )
    for name, seconds in times.items():
        m = memory[name]
        print(
            f"{name:30} {seconds * 1000:6.0f} ms {seconds / base:9.1f}× "
            f"{m['rss_before_kb'] / 1024:15.0f} MB → {m['rss_peak_kb'] / 1024:4.0f} MB "
            f"{m['heap_peak_kb'] / 1024:7.1f} MB {m['bytes'] / 1024:4.0f} kB"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        setup(None)
        child(sys.argv[2])
    else:
        main()
