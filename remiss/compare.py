"""Comparing two versions of a statement side by side, with the changes marked.

Works on the versions' snapshots (drafting.snapshot). Each text is split into words and
whitespace and compared with difflib; every piece is escaped before it is marked, so nothing a
user wrote is ever interpreted as HTML.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from remiss.models import Statement

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class ComparedPart:
    label: str
    old: SafeString
    new: SafeString
    changed: bool


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _mark(old: str, new: str) -> tuple[SafeString, SafeString]:
    a, b = _tokens(old), _tokens(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(removed)
            right.append(added)
            continue
        if removed:
            left.append(f'<del><span class="visually-hidden">Borttaget: </span>{removed}</del>')
        if added:
            right.append(f'<ins><span class="visually-hidden">Tillagt: </span>{added}</ins>')
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - every piece escaped


def _parts(content: dict) -> dict[str, str]:
    headings = dict(Statement.SECTIONS)
    parts = {
        "Rubrik": content["title"],
        "Referensrad": content["reference_line"],
        "Till": content["addressed_to"],
        "Datum": content["date"],
        "Telefon": content["phone"],
        "Förslag till beslut": "\n".join(
            f"{number}. {text}" for number, text in enumerate(content["proposals"], start=1)
        ),
    }
    for name, text in content["sections"].items():
        if name == "preparation":
            parts["Beredningssteg"] = "\n".join(
                f"{step['kind_label']}: {step['who']}"
                + (f", {step['date']}" if step["date"] else "")
                for step in content["preparation_steps"]
            )
        parts[headings.get(name, name)] = text
    for view in sorted(content["focus_area_views"], key=lambda view: view["number"]):
        parts[f"Fokusområde {view['number']}. {view['title']}"] = view["text"]
    return parts


def compare(old: dict, new: dict) -> list[ComparedPart]:
    """Every part of the statement present in either version, in print order."""
    old_parts, new_parts = _parts(old), _parts(new)
    labels = [*new_parts, *(label for label in old_parts if label not in new_parts)]
    result = []
    for label in labels:
        before, after = old_parts.get(label, ""), new_parts.get(label, "")
        marked_old, marked_new = _mark(before, after)
        result.append(ComparedPart(label, marked_old, marked_new, before != after))
    return result
