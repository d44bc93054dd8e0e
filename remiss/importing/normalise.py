"""Swedish typography for scanned text (used only where the scanner's text is repaired).

Språkrådet's rules the scanned seed breaks: ranges of years take an en dash (2020–2023), the
dash between clauses is a spaced en dash, Swedish quotes are ” on both sides, "&" is written
"och" in running text, and a law cited mid-sentence is "lag (2006:544)", lower case.
"""

import re

_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)-((?:19|20)\d\d)\b")
_DASH = re.compile(r"(^|\s)[—‒―-](?=\s|$)")
_OPENING_QUOTE = re.compile(r"(^|[\s(])[’‘“„]")
_CLOSING_QUOTE = re.compile(r"[“‘]")
_AMPERSAND = re.compile(r"(?<=[a-zåäö,]) & (?=[a-zåäö])")
_LAW = re.compile(r"(?<=[a-zåäö,] )Lag(?= \(\d{4}:\d+\))")
_PHONE_DIGITS = re.compile(r"^0\d{8,9}$")


def typography(text: str) -> str:
    text = _YEAR_RANGE.sub("\\1–\\2", text)
    text = _DASH.sub("\\1–", text)
    text = _OPENING_QUOTE.sub("\\1”", text)
    text = _CLOSING_QUOTE.sub("”", text)
    text = _AMPERSAND.sub(" och ", text)
    return _LAW.sub("lag", text)


def phone(text: str) -> str:
    """A Stockholm number as one string of digits ("0850812192") written the Swedish way
    ("08-508 121 92"); anything else as it was."""
    digits = text.strip()
    if not _PHONE_DIGITS.match(digits) or not digits.startswith("08"):
        return digits
    rest = digits[2:]
    groups = [rest[:3], rest[3:6], rest[6:]] if len(rest) == 8 else [rest[:3], rest[3:5], rest[5:]]
    return "08-" + " ".join(groups)
