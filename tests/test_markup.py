"""The Markdown subset of statement sections: what renders, what stays text, what is removed."""

import re

import pytest
from django.utils.safestring import SafeString

from remiss import markup
from remiss.demo.statement_text import load
from remiss.markup import render, to_plain_text

DEMO_STYLE = (
    "Kommunstyrelsen har remitterat ärendet ”Stockholms stads säkerhetsprogram 2020–2023” till "
    "Södermalms stadsdelsnämnd för yttrande senast den 13 december 2019.\n"
    "\n"
    "Ärendet har remitterats till samtliga stadsdelsnämnder, samtliga fackförvaltningar och "
    "Storstockholms brandförsvar – även Räddningstjänsten Syd fick det för kännedom."
)


def tags(html: str) -> list[str]:
    return re.findall(r"<([a-z0-9]+)", html)


# Rendering -------------------------------------------------------------------------------------


def test_the_rendered_html_is_marked_safe_for_templates():
    assert isinstance(render("Hej"), SafeString)


def test_an_empty_section_renders_as_nothing():
    assert render("") == ""


def test_demo_style_paragraphs_render_as_paragraphs_with_the_swedish_text_intact():
    html = render(DEMO_STYLE)

    assert html == (
        "<p>Kommunstyrelsen har remitterat ärendet ”Stockholms stads säkerhetsprogram 2020–2023” "
        "till Södermalms stadsdelsnämnd för yttrande senast den 13 december 2019.</p>\n"
        "<p>Ärendet har remitterats till samtliga stadsdelsnämnder, samtliga fackförvaltningar och "
        "Storstockholms brandförsvar – även Räddningstjänsten Syd fick det för kännedom.</p>"
    )


def test_every_section_of_the_demo_statement_renders_as_its_paragraphs():
    sections = [text for text in load().sections.values() if text]
    assert sections

    for text in sections:
        paragraphs = [part for part in text.split("\n\n") if part.strip()]
        html = render(text)
        assert set(tags(html)) <= {"p", "br"}
        assert html.count("<p>") == len(paragraphs)
        assert to_plain_text(text) == "\n\n".join(part.strip() for part in paragraphs)


def test_emphasis_renders_as_em_and_strong():
    html = render("Det är *särskilt* viktigt och **mycket** brådskande.")
    assert html == "<p>Det är <em>särskilt</em> viktigt och <strong>mycket</strong> brådskande.</p>"


def test_a_single_line_break_is_kept_as_a_br():
    assert render("Ann-Christine Jenvén\nStadsdelsdirektör") == (
        "<p>Ann-Christine Jenvén<br>\nStadsdelsdirektör</p>"
    )


def test_a_bulleted_list_renders_as_ul():
    html = render("Förvaltningen vill:\n\n- öka tryggheten\n- stärka krisberedskapen")
    assert html == (
        "<p>Förvaltningen vill:</p>\n<ul>\n<li>öka tryggheten</li>\n"
        "<li>stärka krisberedskapen</li>\n</ul>"
    )


def test_a_numbered_list_renders_as_ol():
    html = render("1. Stadsdelsnämnden godkänner.\n2. Beslutet justeras omedelbart.")
    assert html == (
        "<ol>\n<li>Stadsdelsnämnden godkänner.</li>\n<li>Beslutet justeras omedelbart.</li>\n</ol>"
    )


def test_a_numbered_list_that_starts_later_keeps_its_numbers():
    assert render("3. Tredje punkten\n4. Fjärde punkten").startswith('<ol start="3">')


def test_a_link_gets_rel_noopener_noreferrer():
    html = render("Se [stadens webbplats](https://start.stockholm/) för mer.")
    assert html == (
        '<p>Se <a href="https://start.stockholm/" rel="noopener noreferrer">stadens webbplats</a>'
        " för mer.</p>"
    )


def test_a_mailto_link_is_kept():
    html = render("[Skriv till oss](mailto:sodermalm@stockholm.se)")
    assert 'href="mailto:sodermalm@stockholm.se"' in html


@pytest.mark.parametrize(
    "source",
    [
        "[klicka](javascript:alert(1))",
        "[klicka](JavaScript:alert(document.cookie))",
        "[klicka](vbscript:msgbox(1))",
        "[klicka](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[klicka](<javascript:alert(1)>)",
    ],
)
def test_a_script_link_is_not_a_link(source):
    html = render(source)
    assert "<a" not in html
    assert "href" not in html


@pytest.mark.parametrize(
    "source",
    [
        "[fil](ftp://example.com/fil.pdf)",
        "[lokal](file:///etc/passwd)",
        "[admin](/admin/)",
        "[sajt](www.stockholm.se)",
        "[protokollrelativ](//evil.example/)",
    ],
)
def test_a_link_without_an_allowed_scheme_loses_its_address(source):
    html = render(source)
    assert "href" not in html
    assert source[1 : source.index("]")] in html


def test_raw_script_tags_are_shown_as_text():
    html = render("<script>alert(1)</script>")
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_an_img_tag_with_an_onerror_handler_is_shown_as_text():
    html = render("Se bilden: <img src=x onerror=alert(1)>")
    assert html == "<p>Se bilden: &lt;img src=x onerror=alert(1)&gt;</p>"
    assert tags(html) == ["p"]


def test_html_comments_and_entities_typed_by_the_user_are_shown_as_typed():
    html = render("<!-- dolt --> AT&T &amp;")
    assert html == "<p>&lt;!-- dolt --&gt; AT&amp;T &amp;amp;</p>"


@pytest.mark.parametrize(
    "source",
    [
        "# Rubrik",
        "## Underrubrik",
        "Rubrik\n======",
        "Rubrik\n------",
        "---",
        "> citat",
        "`kod`",
        "```\nkod\n```",
        "    indragen kod",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "~~struken~~",
        "<https://example.com>",
        "https://example.com",
    ],
)
def test_markup_outside_the_subset_stays_text(source):
    html = render(source)
    assert set(tags(html)) <= {"p", "br"}


def test_an_image_is_never_embedded_only_linked_after_an_exclamation_mark():
    assert render("![bild](https://example.com/bild.png)") == (
        '<p>!<a href="https://example.com/bild.png" rel="noopener noreferrer">bild</a></p>'
    )


def test_a_heading_keeps_its_hash_as_text():
    assert render("# Rubrik") == "<p># Rubrik</p>"


def test_a_backslash_escape_keeps_the_character_as_text():
    assert (
        render(r"\*inte kursiv\* och 1\. ingen lista") == "<p>*inte kursiv* och 1. ingen lista</p>"
    )


def test_html_the_parser_lets_through_is_still_sanitised(monkeypatch):
    """The sanitiser is a layer of its own: it holds even if the parser emitted HTML."""
    evil = (
        '<h1>Rubrik</h1><p onclick="stjäl()">Hej <script>alert(1)</script>'
        '<img src=x onerror="alert(1)"><a href="javascript:alert(1)">a</a>'
        '<a href="https://example.com" target="_blank" style="color:red">b</a></p>'
        "<iframe src=https://evil.example></iframe><table><tr><td>c</td></tr></table>"
    )
    monkeypatch.setattr(markup._parser, "render", lambda source: evil)

    html = render("vad som helst")

    assert html == (
        'Rubrik<p>Hej <a rel="noopener noreferrer">a</a>'
        '<a href="https://example.com" rel="noopener noreferrer">b</a></p>c'
    )


# Plain text ------------------------------------------------------------------------------------


def test_plain_text_of_demo_style_paragraphs_is_the_text_itself():
    assert to_plain_text(DEMO_STYLE) == DEMO_STYLE


def test_plain_text_drops_emphasis_and_keeps_the_words():
    assert to_plain_text("Det är *särskilt* viktigt och **mycket** brådskande.") == (
        "Det är särskilt viktigt och mycket brådskande."
    )


def test_plain_text_separates_paragraphs_and_lists_by_blank_lines():
    source = (
        "Förvaltningen föreslår:\n\n"
        "1. att nämnden godkänner\n2. att beslutet justeras\n\n"
        "Därtill:\n\n- trygghet\n- säkerhet\n\nSlutligen."
    )
    assert to_plain_text(source) == (
        "Förvaltningen föreslår:\n\n"
        "1. att nämnden godkänner\n2. att beslutet justeras\n\n"
        "Därtill:\n\n– trygghet\n– säkerhet\n\nSlutligen."
    )


def test_plain_text_numbers_a_list_from_where_it_starts():
    assert to_plain_text("3. tre\n7. fyra") == "3. tre\n4. fyra"


def test_plain_text_indents_nested_lists_under_their_item():
    source = "- krisberedskap\n  1. övning\n  2. utbildning\n- civilt försvar"
    assert to_plain_text(source) == (
        "– krisberedskap\n  1. övning\n  2. utbildning\n– civilt försvar"
    )


def test_plain_text_keeps_line_breaks_inside_a_paragraph_and_a_list_item():
    assert to_plain_text("rad ett\nrad två") == "rad ett\nrad två"
    assert to_plain_text("- rad ett\n  rad två") == "– rad ett\n  rad två"


def test_plain_text_keeps_a_links_address_after_its_text():
    source = "Se [stadens webbplats](https://start.stockholm/) eller [oss](mailto:a@b.se)."
    assert to_plain_text(source) == (
        "Se stadens webbplats (https://start.stockholm/) eller oss (mailto:a@b.se)."
    )


def test_plain_text_does_not_repeat_an_address_that_is_the_link_text():
    assert to_plain_text("[https://start.stockholm/](https://start.stockholm/)") == (
        "https://start.stockholm/"
    )


def test_plain_text_leaves_out_an_address_that_is_not_linked():
    assert to_plain_text("[fil](ftp://example.com/fil.pdf)") == "fil"


def test_plain_text_keeps_what_the_user_typed_that_is_not_markup():
    source = "# Rubrik\n\n<script>alert(1)</script> \\*stjärna\\*"
    assert to_plain_text(source) == "# Rubrik\n\n<script>alert(1)</script> *stjärna*"


def test_plain_text_of_an_empty_section_is_empty():
    assert to_plain_text("") == ""
    assert to_plain_text("\n\n  \n") == ""
