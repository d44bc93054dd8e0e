#!/usr/bin/env python
"""Build the English catalogue from the translators' fragments (issue 19).

Each part of the portal has its own fragment, locale/en/LC_MESSAGES/parts/<part>.po, so two
people translating at once never edit the same file. This merges every fragment into
locale/en/LC_MESSAGES/django.po and compiles django.mo with polib (no GNU gettext needed). Both
are committed, so `make run` needs nothing; tests/test_i18n.py fails when they are not what
this script makes from the fragments.

    .venv/bin/python scripts/i18n_catalogue.py           # write django.po and django.mo
    .venv/bin/python scripts/i18n_catalogue.py --check   # only say whether they are up to date

A msgid may be in several fragments if it is translated the same way in each; translated two
ways, the script stops and names both fragments. Entries marked fuzzy, or with an empty
msgstr, are left out: Django then shows the Swedish text, and the completeness test names them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
MESSAGES = BASE_DIR / "locale" / "en" / "LC_MESSAGES"
PARTS = MESSAGES / "parts"

HEADER = {
    "Project-Id-Version": "remissportalen",
    "Language": "en",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}


class Conflict(Exception):
    """One msgid translated two different ways."""


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _translation(entry: polib.POEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def _translated(entry: polib.POEntry) -> bool:
    return not entry.obsolete and "fuzzy" not in entry.flags and all(_translation(entry))


def merge(parts: list[Path]) -> polib.POFile:
    """One catalogue from the fragments, sorted by msgid; raises Conflict on a msgid translated
    two ways."""
    found: dict[tuple[str, str, str], tuple[polib.POEntry, Path]] = {}
    for part in sorted(parts):
        for entry in polib.pofile(str(part)):
            if not entry.msgid or not _translated(entry):
                continue
            key = _key(entry)
            if key in found:
                earlier, where = found[key]
                if _translation(earlier) != _translation(entry):
                    raise Conflict(
                        f"{entry.msgid!r} is translated two ways: {_translation(earlier)!r} in "
                        f"{where.name}, {_translation(entry)!r} in {part.name}"
                    )
                continue
            found[key] = (entry, part)

    catalogue = polib.POFile(wrapwidth=0)
    catalogue.header = (
        "English catalogue of the remiss portal. Made by scripts/i18n_catalogue.py from\n"
        "parts/*.po: do not edit; edit a fragment and run the script."
    )
    catalogue.metadata = dict(HEADER)
    for key in sorted(found):
        entry, _part = found[key]
        catalogue.append(
            polib.POEntry(
                msgctxt=entry.msgctxt,
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                msgstr=entry.msgstr,
                msgstr_plural=dict(entry.msgstr_plural),
                flags=[flag for flag in entry.flags if flag != "fuzzy"],
            )
        )
    return catalogue


def build(parts_dir: Path | None = None) -> tuple[str, bytes]:
    """The text of django.po and the bytes of django.mo, made from the fragments."""
    catalogue = merge(list((parts_dir or PARTS).glob("*.po")))
    return str(catalogue), catalogue.to_binary()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; fail if stale")
    options = parser.parse_args(argv)
    try:
        po_text, mo_bytes = build()
    except Conflict as conflict:
        print(f"i18n_catalogue: {conflict}", file=sys.stderr)
        return 1
    po_path, mo_path = MESSAGES / "django.po", MESSAGES / "django.mo"
    if options.check:
        current = (
            po_path.exists()
            and mo_path.exists()
            and po_path.read_text(encoding="utf-8") == po_text
            and mo_path.read_bytes() == mo_bytes
        )
        if not current:
            print("i18n_catalogue: django.po/.mo are stale: run scripts/i18n_catalogue.py")
            return 1
        return 0
    po_path.write_text(po_text, encoding="utf-8")
    mo_path.write_bytes(mo_bytes)
    print(f"i18n_catalogue: {po_path} and django.mo written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
