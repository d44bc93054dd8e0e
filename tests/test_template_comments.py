"""Django's {# … #} comment ends on its own line: one spread over two lines is printed as text.
The statement's PDF printed one (a note about focus-area views) above its header fields."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
OPEN_COMMENT = re.compile(r"\{#(?!.*?#\})")


def unclosed_comments(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if OPEN_COMMENT.search(line)]


def test_the_check_finds_a_comment_over_two_lines():
    assert unclosed_comments("{# one line #}\n<p>{# two\n lines #}</p>\n{# a #}{# b #}") == [2]


def test_no_template_has_a_comment_over_two_lines():
    found = {
        str(path.relative_to(TEMPLATES)): lines
        for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))
        if (lines := unclosed_comments(path.read_text()))
    }
    assert found == {}, "use {% comment %}…{% endcomment %} or one {# #} per line"


def test_no_comment_text_is_printed_in_a_statement(started):
    from remiss import pdf

    html = pdf.statement_html(started)
    assert "{#" not in html and "#}" not in html
    assert "focus-area views are metadata" not in html


LEAKS = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}|>\s*None\s*<|=\"None\"")


def test_no_print_document_of_the_seed_case_shows_template_text_or_none(seeded):
    """Every kind of print HTML the seed case makes (the PDFs' source): statement, extract,
    kallelse, protokoll and kommunstyrelsen's compilation."""
    import datetime

    from remiss import compilation, exports, minutes, pdf
    from remiss.models import Decision, Remiss, Statement

    statement = Statement.objects.get(recipient__registration_number="SÖD 2019/1102")
    decision = Decision.objects.get(item__statement=statement)
    meeting = decision.item.meeting
    remiss = Remiss.objects.get(registration_number="KS 2019/1543")
    documents = {
        "statement": pdf.statement_html(statement),
        "extract": pdf.extract_html(decision),
        "agenda": minutes.agenda_html(meeting, version=1, issued_on=datetime.date(2019, 12, 5)),
        "minutes": minutes.minutes_html(meeting),
        "compilation": exports.compilation_html(compilation.build(remiss)),
    }
    found = {name: LEAKS.findall(html) for name, html in documents.items()}
    assert found == {name: [] for name in documents}
