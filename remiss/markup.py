"""The small Markdown subset that the sections of a statement are written in.

A section is stored as the source the case officer typed and rendered when shown. The subset is
what a tjänsteutlåtande needs and nothing more: paragraphs (separated by a blank line), line
breaks (a single Enter is a line break, as in any text box), *kursiv* and **fet**, numbered and
bulleted lists, links to http, https and mailto addresses, and backslash escapes. Headings,
images, tables, quotes, code and raw HTML are not part of it: what the user types there stays
visible text, so `# Rubrik` shows as typed and `<script>` shows as the word, never as a tag.

Rendering is two layers. markdown-it-py, with only the rules above enabled and HTML off, escapes
everything it does not turn into markup itself. nh3 (the Ammonia sanitiser) then keeps only the
tags and attributes of the subset, whatever markdown-it-py produced, so a bug or a new rule in the
parser cannot smuggle a script, an event handler or a `javascript:` link onto the page.
"""

from __future__ import annotations

import functools

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

_RULES = ["list", "emphasis", "link", "escape", "newline"]

_parser = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False}).enable(_RULES)

ALLOWED_TAGS = {"p", "br", "em", "strong", "ol", "ul", "li", "a"}
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    # A list typed from "3." on keeps its numbering; nh3 escapes the value like any attribute.
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

BULLET = "– "


# Rendered HTML is kept per process, by the text itself: a signed or delivered statement's
# sections and focus-area views never change, so the statement page, the compilation and the
# reply render each text once per version and process, not on every request. A text that is
# longer than CACHED_UP_TO characters is rendered each time, so the cache holds at most
# CACHE_SIZE × CACHED_UP_TO characters of source and their HTML (some 40 MB at the very worst, a
# few MB in practice: a section is a few thousand characters). Drafts pass through it too and
# are pushed out by newer texts (least recently used first).
CACHE_SIZE = 1024
CACHED_UP_TO = 10_000


def render(source: str) -> SafeString:
    """The section as sanitised HTML, safe to put in a template as it is."""
    source = source or ""
    if len(source) > CACHED_UP_TO:
        return _render(source)
    return _cached_render(source)


def _render(source: str) -> SafeString:
    html = _parser.render(source)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        # A link must name its scheme: "/admin/" or "www.example.se" is not a link in a statement.
        url_relative="deny",
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned.strip())  # noqa: S308 - nh3 has just sanitised it


_cached_render = functools.lru_cache(maxsize=CACHE_SIZE)(_render)


def to_plain_text(source: str) -> str:
    """The section's text without markup, for diffing versions and for search.

    Paragraphs are separated by a blank line and list items are on lines of their own, prefixed
    "1. ", "2. " … or "– ", nested items indented under their parent. A link keeps its address in
    parentheses after its text, so that a changed target shows in a diff (an address that
    `render` does not link, such as ftp: or a relative one, is left out). The result is text, not
    HTML: whatever the user typed (even "<b>") is in it as typed and must be escaped on display.
    """
    blocks: list[str] = []
    list_lines: list[str] = []
    lists: list[list] = []  # per open list: [ordered, next number]
    indents: list[str] = []  # per open list item: the indent of its continuation lines
    pending: str | None = None  # the marker of a list item whose first line is not yet written

    def write(text: str) -> None:
        nonlocal pending
        if not lists:
            blocks.append(text)
            return
        first = pending if pending is not None else indents[-1]
        pending = None
        lines = text.split("\n")
        list_lines.append(first + lines[0])
        list_lines.extend(indents[-1] + line for line in lines[1:])

    for token in _parser.parse(source or ""):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            if pending is not None:  # an item that opens straight with a nested list
                list_lines.append(pending.rstrip())
                pending = None
            ordered = token.type == "ordered_list_open"
            lists.append([ordered, int(token.attrGet("start") or 1) if ordered else 0])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                blocks.append("\n".join(list_lines))
                list_lines = []
        elif token.type == "list_item_open":
            ordered, number = lists[-1]
            if ordered:
                marker = f"{number}. "
                lists[-1][1] += 1
            else:
                marker = BULLET
            indent = indents[-1] if indents else ""
            pending = indent + marker
            indents.append(" " * len(pending))
        elif token.type == "list_item_close":
            if pending is not None:  # an empty item
                list_lines.append(pending.rstrip())
                pending = None
            indents.pop()
        elif token.type == "inline":
            write(_inline_text(token.children or []))
    return "\n\n".join(block for block in blocks if block.strip())


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    link_stack: list[tuple[str, int]] = []  # (href, where the link's text starts in parts)
    for child in children:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "link_open":
            href = _parser.normalizeLinkText(str(child.attrGet("href") or ""))
            link_stack.append((href, len(parts)))
        elif child.type == "link_close" and link_stack:
            href, start = link_stack.pop()
            text = "".join(parts[start:])
            linked = href.lower().startswith(tuple(f"{s}:" for s in ALLOWED_URL_SCHEMES))
            if linked and href != text and href != f"mailto:{text}":
                parts.append(f" ({href})")
    return "".join(parts)
