"""Repairing scanned text (OCR-skador): å, ä and ö read as a, d, i, 6, é or &, and the like.

A scanner that does not know Swedish reads "Stadsnämnden överlämnar" as "Stadsndmnden 6verldmnar".
The repair is a noisy-channel guess with a Swedish word list (wordfreq, built from real Swedish
text): every word is rewritten to the most frequent Swedish spelling that the scanner could have
turned into it, given the confusions below; a word the list does not know is tried as a compound
(sammansättning) of known words, with or without the linking s ("säkerhets|program").

- Losing the dots is free: a → a/ä/å and o → o/ö cost nothing, so "for" becomes "för" because
  "för" is far more common than "for".
- A real misreading costs CONFUSION_COST per place: ä read as d, i, é, &, 4, "ia", "id", "da",
  ...; ö read as 6, d or G; i read as 1; m read as rn.
- A word is changed only when the repaired spelling scores higher than the word as it stands.

`looks_damaged` tells whether a text needs this at all: clean text from Word is never touched.
"""

from __future__ import annotations

import functools
import math
import re

LANGUAGE = "sv"
CONFUSION_COST = 0.6
COMPOUND_COST = 1.5  # per extra part: a known whole word beats the same letters as a compound
LINKING_S_COST = 0.2
MIN_COMPOUND_PART = 3
MAX_PARTS = 4
MAX_CONFUSIONS = 3  # per part
MAX_PART_LENGTH = 24
ACCEPT_AT_LEAST = 1.0  # zipf score a one-word repair must reach to be used
ACCEPT_COMPOUND = 0.0
KNOWN_WORD = 2.5  # a word this common is taken as written unless a misreading is much likelier
KNOWN_WORD_MARGIN = 1.0
MIN_LAST_PART = 4  # "Jen|vän" is no compound; "helhets|tänk" is
# Municipal words the general word list lacks or ranks too low (compound parts, titles).
DOMAIN_WORDS = {
    "nämnd": 4.0,
    "stadsdel": 3.5,
    "stadsdelsnämnd": 4.0,
    "stadsdelsförvaltning": 3.5,
    "förvaltning": 4.5,
    "tjänsteutlåtande": 3.5,
    "remiss": 3.5,
    "remissvar": 3.0,
    "handläggare": 4.0,
    "samordnare": 3.5,
    "direktör": 4.0,
    "funktionshinder": 3.5,
    "måluppfyllnad": 2.5,
    "måluppfyllelse": 2.5,
    "olycksförebyggande": 2.5,
    "brottsförebyggande": 3.0,
    "stadsövergripande": 2.5,
    "informationssäkerhet": 3.0,
}

# Letters as the word list spells them -> the class the scanner cannot tell apart: å and ä are
# one class (A), ö another (O); a plain a may stand for a, å or ä, a plain o for o or ö.
_SKELETON = str.maketrans({"ä": "A", "å": "A", "ö": "O"})
# What the scanner printed -> (what it may stand for in skeleton letters, cost).
_CONFUSIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "a": (("a", 0.0), ("A", 0.0)),
    "o": (("o", 0.0), ("O", 0.0)),
    "d": (("d", 0.0), ("A", CONFUSION_COST), ("O", CONFUSION_COST)),
    "i": (("i", 0.0), ("A", CONFUSION_COST)),
    "é": (("é", 0.0), ("A", CONFUSION_COST)),
    "e": (("e", 0.0),),
    "1": (("i", CONFUSION_COST), ("l", CONFUSION_COST)),
    "4": (("A", CONFUSION_COST),),
    "6": (("O", CONFUSION_COST),),
    "0": (("O", CONFUSION_COST),),
    "&": (("A", CONFUSION_COST),),
    "ia": (("A", CONFUSION_COST),),
    "id": (("A", CONFUSION_COST),),
    "di": (("A", CONFUSION_COST),),
    "da": (("A", CONFUSION_COST),),
    "éd": (("A", CONFUSION_COST),),
    "éa": (("A", CONFUSION_COST),),
    "&d": (("A", CONFUSION_COST),),
    "d4": (("A", CONFUSION_COST),),
    "rn": (("m", CONFUSION_COST),),
}
_PATTERN_LENGTHS = sorted({len(key) for key in _CONFUSIONS}, reverse=True)
_TOKEN = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ&]+")
_HAS_LETTER = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")
_SENTENCE_START = re.compile(r"(^|[.!?:]\s+|\n\s*)$")
_ONE = {"1"}
_YEAR_AFTER = re.compile(r"\s+(19|20)\d\d\b")
# Words that show a text lost its å, ä and ö: common Swedish words written without the dots.
_STRIPPED_MARKERS = {"for", "ar", "pa", "fran", "forslag", "forvaltningen", "aven", "nar", "sa"}


@functools.cache
def _vocabulary() -> tuple[dict[str, float], dict[str, tuple[str, float]]]:
    """(word -> zipf frequency, skeleton -> (most frequent word, zipf))."""
    # Imported here, when a scan is first repaired: wordfreq and its language tables take a
    # fifth of a second to import, which every process (each manage.py command, the worker,
    # each test's subprocess) paid at start for a word list few of them ever use.
    import wordfreq

    frequencies = {
        word: round(math.log10(frequency) + 9, 2)
        for word, frequency in wordfreq.get_frequency_dict(LANGUAGE, wordlist="best").items()
        if frequency > 0
    }
    for word, zipf in DOMAIN_WORDS.items():
        frequencies[word] = max(frequencies.get(word, 0.0), zipf)
    by_skeleton: dict[str, tuple[str, float]] = {}
    for word, zipf in frequencies.items():
        if not word.isalpha() or zipf <= 0:
            continue
        key = word.translate(_SKELETON)
        if key not in by_skeleton or by_skeleton[key][1] < zipf:
            by_skeleton[key] = (word, zipf)
    return frequencies, by_skeleton


def zipf(word: str) -> float:
    return _vocabulary()[0].get(word.lower(), 0.0)


def looks_damaged(text: str) -> bool:
    """A text where common words appear without their dots ("for", "ar", "pa") was scanned."""
    tokens = [token.lower() for token in _TOKEN.findall(text)]
    if not tokens:
        return False
    stripped = sum(token in _STRIPPED_MARKERS for token in tokens)
    digits_in_words = sum(
        bool(re.search(r"[a-zåäö]\d|\d[a-zåäö]", token)) and _HAS_LETTER.search(token) is not None
        for token in tokens
    )
    return (stripped + digits_in_words) / len(tokens) > 0.01


def repair_text(text: str) -> tuple[str, int]:
    """The text with every damaged word repaired, and how many words were changed."""
    changed = 0
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(text[position : match.start()])
        token = match.group()
        after = text[match.end() :]
        before = text[: match.start()]
        repaired = repair_word(token, before=before, after=after)
        if repaired != token:
            changed += 1
        out.append(repaired)
        position = match.end()
    out.append(text[position:])
    return "".join(out), changed


def repair_word(word: str, *, before: str = "", after: str = "") -> str:
    """One word, repaired if the scanner damaged it; names, numbers and acronyms stay."""
    token = word
    if not _HAS_LETTER.search(token):
        if token in _ONE and _between_words(before, after):
            return "i"  # "framgång 1 arbetet": the preposition i read as a one
        return token
    if sum(character.isupper() for character in token) >= 2:
        return token  # MSB, SKL, KS: acronyms
    lower = token.lower()
    if lower == "ar" and _YEAR_AFTER.match(after):
        best = "år"  # "under år 2019": the year decides between är and år
    elif len(lower) == 1:
        best = _lost_letter(lower, after)
    else:
        # A capital inside a sentence marks a name: no compound guesses there ("Jenvén").
        is_name = token[0].isupper() and not _SENTENCE_START.search(before)
        best = _best_spelling(lower, compounds=not is_name or not token.isalpha())
        if best == lower and token[0] == "G" and zipf(lower) == 0:
            as_o = "6" + lower[1:]  # "Gverlämnas": a small ö read as G
            if (repaired := _best_spelling(as_o)) != as_o:
                best = repaired
    if best == lower:
        return token
    if token[0].isupper() and not (token[0] == "G" and best[0] == "ö"):
        best = best[0].upper() + best[1:]
    return best


def _between_words(before: str, after: str) -> bool:
    return bool(re.search(r"[a-zåäö]\s+$", before)) and bool(re.match(r"\s+[a-zåäö]", after))


def _lost_letter(letter: str, after: str) -> str:
    """ "i s stor utsträckning": a one-letter word that is no Swedish word lost a letter."""
    if letter in "iåöe" or not re.match(r"\s+[a-zåäö]", after):
        return letter
    _, by_skeleton = _vocabulary()
    word, frequency = by_skeleton.get(letter + "A", ("", 0.0))
    return word if frequency >= 5 else letter


@functools.cache
def _best_spelling(lower: str, compounds: bool = True) -> str:
    """A whole known word first; a compound only where no single word fits."""
    frequencies, _ = _vocabulary()
    as_is = frequencies.get(lower, 0.0) if lower.isalpha() else 0.0
    readings: list[tuple[float, str]] = []
    whole = _parts_from(lower, 0).get(len(lower))
    if whole is not None:
        word, score, cost = whole
        needed = as_is + KNOWN_WORD_MARGIN if cost and as_is >= KNOWN_WORD else as_is
        if score > needed and (score >= ACCEPT_AT_LEAST or as_is == 0):
            readings.append((score, word))
    if as_is == 0 and compounds and not (readings and readings[0][0] >= ACCEPT_COMPOUND):
        score, parts = _segment(lower)
        if len(parts) > 1 and score >= ACCEPT_COMPOUND:
            readings.append((score, "".join(parts)))
    if readings:
        best = max(readings)[1]
        if best != lower:
            return best
    if as_is < KNOWN_WORD and len(lower) >= 4:  # "senats" for "senast": two letters swapped
        swapped = _best_transposition(lower)
        if swapped and frequencies[swapped] >= 4 and frequencies[swapped] > as_is + 2:
            return swapped
    return lower


def _best_transposition(lower: str) -> str | None:
    frequencies, _ = _vocabulary()
    options = [
        lower[:index] + lower[index + 1] + lower[index] + lower[index + 2 :]
        for index in range(len(lower) - 1)
    ]
    known = [option for option in options if option in frequencies]
    return max(known, key=frequencies.__getitem__, default=None)


def _segment(lower: str) -> tuple[float, list[str]]:
    """The best reading of the scanned word as a compound of known words.

    A compound scores its parts' mean less COMPOUND_COST for each part after the first, so
    that "stadsdels|direktörens" beats "stads|dels|direkt|årens". best[j] holds the best
    (score, sum of part scores, parts) for lower[:j].
    """
    length = len(lower)
    best: list[tuple[float, float, list[str]] | None] = [None] * (length + 1)
    best[0] = (0.0, 0.0, [])
    for start in range(length):
        found = best[start]
        if found is None:
            continue
        _, total_so_far, parts_so_far = found
        if len(parts_so_far) >= MAX_PARTS:
            continue
        for end, (word, part_score, _) in _parts_from(lower, start).items():
            if len(word) < MIN_COMPOUND_PART or (end == length and len(word) < MIN_LAST_PART):
                continue
            parts = [*parts_so_far, word]
            total = total_so_far + part_score
            score = total / len(parts) - COMPOUND_COST * (len(parts) - 1)
            current = best[end]
            if current is None or score > current[0]:
                best[end] = (score, total, parts)
    result = best[length]
    if result is None:
        return float("-inf"), []
    return result[0], result[2]


@functools.lru_cache(maxsize=20_000)
def _parts_from(lower: str, start: int) -> dict[int, tuple[str, float, float]]:
    """Every known word (or word + linking s) the scanned letters from `start` may stand for:
    end -> (word, score, cost of the misreadings assumed)."""
    _, by_skeleton = _vocabulary()
    found: dict[int, tuple[str, float, float]] = {}

    def walk(position: int, skeleton: str, cost: float, confusions: int) -> None:
        if skeleton:
            entry = by_skeleton.get(skeleton)
            if entry is not None:
                _keep(found, position, entry[0], entry[1] - cost, cost)
            if skeleton.endswith("s") and len(skeleton) > MIN_COMPOUND_PART:
                stem = by_skeleton.get(skeleton[:-1])
                if stem is not None:
                    score = stem[1] - cost - LINKING_S_COST
                    _keep(found, position, stem[0] + "s", score, cost)
        if position >= len(lower) or position - start >= MAX_PART_LENGTH:
            return
        for size in _PATTERN_LENGTHS:
            piece = lower[position : position + size]
            if len(piece) < size:
                continue
            options = _CONFUSIONS.get(piece)
            if options is None:
                if size == 1:
                    options = ((piece, 0.0),)
                else:
                    continue
            for letters, extra in options:
                more = confusions + (extra > 0)
                if more <= MAX_CONFUSIONS:
                    walk(position + size, skeleton + letters, cost + extra, more)

    walk(start, "", 0.0, 0)
    return found


def _keep(found: dict, end: int, word: str, score: float, cost: float) -> None:
    if end not in found or found[end][1] < score:
        found[end] = (word, score, cost)
