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
