"""PDF rendering benchmark: the seed statement and the reply bundle, against a minimal render.

Run with `make bench-pdf` (or `.venv/bin/python bench/pdf_render.py`). It loads the seed case
into a throw-away SQLite database, then measures, in this one process:

- the median wall time of each render over several rounds, as a ratio to a minimal one-page
  WeasyPrint render (so the figures compare across machines);
- the peak memory of one render, each in a fresh child process: the process' maximum resident
  set size before and after the render (it includes WeasyPrint's native allocations), and the
  Python heap's peak during the render from tracemalloc.

Also the seed statement's layout and drawing times, the same text as plain HTML (no running
header, footer, watermark or embedded font of our own), the reply as the worker renders it
(after the extract and the statement), and LibreOffice's cold conversion of the plain HTML when
`soffice` is installed.

Not a test: nothing here passes or fails. docs/benchmarks.md quotes the latest table.
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


def plain_statement_html(statement) -> str:
    """The seed statement's text as plain HTML: the same title, sections and focus-area views,
    without the running header and footer, the watermark, the print stylesheet or its font."""
    from django.utils.html import escape

    from remiss import markup
    from remiss.models import Statement

    parts = [f"<!DOCTYPE html><html lang='sv'><body><h1>{escape(statement.title)}</h1>"]
    for field, label in Statement.SECTIONS:
        parts.append(f"<h2>{escape(label)}</h2>{markup.render(getattr(statement, field))}")
    for view in statement.focus_area_views.select_related("focus_area"):
        parts.append(f"<h3>{escape(view.focus_area)}</h3>{markup.render(view.text)}")
    return "".join(parts) + "</body></html>"


def subjects():
    """name → function making the PDF bytes."""
    from weasyprint import HTML

    from remiss import documents, pdf
    from remiss.models import Decision, Statement

    statement = Statement.objects.get(recipient__registration_number="SÖD 2019/1102")
    decision = Decision.objects.get(item__statement=statement)
    plain = plain_statement_html(statement)

    def reply():
        return documents.RENDERERS[documents.Kind.REPLY](
            documents.StoredDocument(decision=decision, kind=documents.Kind.REPLY)
        ).content

    def cold(work):
        def run():
            pdf._layouts.clear()  # nothing laid out before in this process
            return work()

        return run

    def reply_as_the_worker_runs_it():
        pdf._layouts.clear()
        pdf.extract_pdf(decision)
        pdf.statement_pdf(statement)
        started = time.perf_counter()
        content = reply()
        reply_as_the_worker_runs_it.seconds = time.perf_counter() - started
        return content

    return {
        "minimal one-page render": lambda: HTML(string="<p>Hej</p>").write_pdf(),
        # The same shared fetcher as the portal's renders: the documents compared, not fetchers.
        "seed statement as plain HTML": lambda: HTML(
            string=plain, url_fetcher=pdf._shared()[0]
        ).write_pdf(),
        "seed statement (PDF/A-2a)": cold(lambda: pdf.statement_pdf(statement)),
        "protokollsutdrag (PDF/A-2a)": cold(lambda: pdf.extract_pdf(decision)),
        "reply bundle, cold (PDF/A-3a)": cold(reply),
        "reply after its extract+statement": reply_as_the_worker_runs_it,
    }


def phases():
    """The seed statement's render in its two phases: layout (HTML and CSS to pages) and
    drawing (pages to PDF bytes), medians over ROUNDS."""
    from remiss import pdf
    from remiss.models import Statement

    statement = Statement.objects.get(recipient__registration_number="SÖD 2019/1102")
    html = pdf.statement_html(statement)
    layout, drawing = [], []
    for _ in range(ROUNDS):
        pdf._layouts.clear()
        started = time.perf_counter()
        document = pdf.layout(html)
        laid_out = time.perf_counter()
        document.write_pdf(pdf_variant=pdf.PDF_VARIANT, pdf_tags=True)
        layout.append(laid_out - started)
        drawing.append(time.perf_counter() - laid_out)
    return statistics.median(layout), statistics.median(drawing)


def libreoffice() -> str | None:
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_seconds(html: str) -> float:
    """LibreOffice's cold conversion of the same text (HTML → PDF), one run, in seconds."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "statement.html"
        source.write_text(html, encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(
            [libreoffice(), "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started


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
                samples.append(getattr(work, "seconds", time.perf_counter() - start))
            times[name] = statistics.median(samples)
        layout, drawing = phases()
        from remiss.models import Statement

        office = None
        if libreoffice():
            statement = Statement.objects.get(recipient__registration_number="SÖD 2019/1102")
            office = libreoffice_seconds(plain_statement_html(statement))
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
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"PDF rendering, median of {ROUNDS} rounds after warm-up (Python {python}, "
        f"load average {load})"
    )
    print(
        f"{'render':36} {'median':>9} {'× minimal':>10} {'process RSS before → peak':>26} "
        f"{'heap peak':>10} {'size':>7}"
    )
    for name, seconds in times.items():
        m = memory[name]
        print(
            f"{name:36} {seconds * 1000:6.0f} ms {seconds / base:9.1f}× "
            f"{m['rss_before_kb'] / 1024:15.0f} MB → {m['rss_peak_kb'] / 1024:4.0f} MB "
            f"{m['heap_peak_kb'] / 1024:7.1f} MB {m['bytes'] / 1024:4.0f} kB"
        )
    statement = times["seed statement (PDF/A-2a)"]
    print(
        f"seed statement: layout {layout * 1000:.0f} ms, drawing {drawing * 1000:.0f} ms; "
        f"{statement / times['seed statement as plain HTML']:.2f}× the plain HTML"
    )
    worker_reply = times["reply after its extract+statement"]
    print(f"reply bundle as the worker renders it: {worker_reply / statement:.2f}× the statement")
    if office is None:
        print("LibreOffice: not installed here (soffice), so no comparison with it in this run")
    else:
        print(
            f"LibreOffice, cold conversion of the same text: {office * 1000:.0f} ms; "
            f"the seed statement takes {statement / office:.2f}× that"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        setup(None)
        child(sys.argv[2])
    else:
        main()
