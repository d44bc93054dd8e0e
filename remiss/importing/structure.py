"""Finding the parts of a Swedish municipal tjänsteutlåtande in its text.

The rules, in the order they run:

1. Page furniture (sidhuvud, sidfot) goes: "Sida 2 (6)" and bare page numbers, and any short
   line found at the top or bottom of two or more pages. It is kept in the result, listed.
2. Scanned text (ocr.looks_damaged) is repaired word by word, then given Swedish typography.
3. Lines become paragraphs: a blank line ends one; a line ending in a hyphen is joined to the
   next ("säkerhets-\\narbetet" → "säkerhetsarbetet", but "trygghets- och" stays); a heading
   stands alone, also when it was run into the text ("Bakgrund Kommunstyrelsen har …").
4. The header: "Handläggare: …", "Telefon …", "Till …", "Datum …", "Dnr …", also as a line of
   labels with the values on the next line (two columns flattened by the scanner).
5. The title is the first paragraph after the header, the reference line the one that answers
   a remiss ("Svar på remiss …", "… dnr …").
6. Sections begin at a known heading (HEADINGS, with the variants administrations use); the
   numbered items under "Förslag till beslut" are the proposals; the short lines that close
   the last section are the signature (one or several signers); "Bilagor" lists attachments.

Every part carries a confidence between 0 and 1. A paragraph no rule places is kept as
"unplaced" (Ej placerad text): nothing is dropped.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from remiss.importing import normalise, ocr

UNPLACED = "unplaced"
PROPOSALS = "proposals"
ATTACHMENTS = "attachments"
FOCUS_AREAS = "focus_areas"
SECTION_KEYS = ["summary", "background", "preparation", "matter", "views"]

# Heading (folded: lower case, no diacritics, no trailing colon) -> part.
HEADINGS: dict[str, str] = {
    "forslag till beslut": PROPOSALS,
    "forvaltningens forslag till beslut": PROPOSALS,
    "kontorets forslag till beslut": PROPOSALS,
    "forslag till namndens beslut": PROPOSALS,
    "beslutsforslag": PROPOSALS,
    "sammanfattning": "summary",
    "sammanfattning av arendet": "summary",
    "bakgrund": "background",
    "inledning": "background",
    "arendets beredning": "preparation",
    "beredning": "preparation",
    "arendets handlaggning": "preparation",
    "arendet": "matter",
    "arendebeskrivning": "matter",
    "beskrivning av arendet": "matter",
    "remissen": "matter",
    "remissens innehall": "matter",
    "synpunkter och forslag": "views",
    "forvaltningens synpunkter och forslag": "views",
    "forvaltningens synpunkter": "views",
    "synpunkter": "views",
    "forvaltningens bedomning": "views",
    "bedomning": "views",
    "overvaganden": "views",
    "forvaltningens overvaganden": "views",
    "synpunkter per fokusomrade": FOCUS_AREAS,
    "bilagor": ATTACHMENTS,
    "bilaga": ATTACHMENTS,
}
FIELD_LABELS = {
    "handlaggare": "case_officer",
    "telefon": "phone",
    "tfn": "phone",
    "till": "addressed_to",
    "datum": "date",
    "dnr": "dnr",
    "diarienummer": "dnr",
}
DOCUMENT_TYPES = {"tjansteutlatande", "tjanteutlatande"}
MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ],
        start=1,
    )
}
ORGANISATION_WORDS = re.compile(
    r"(nämnd|nämnden|styrelse|styrelsen|förvaltning|förvaltningen|kontor|kontoret|fullmäktige"
    r"|kommun|stad|region|bolag|råd|rådet)$",
    re.IGNORECASE,
)

EDGE_LINES = 2
_PAGE_NUMBER = re.compile(r"^\s*(sida\s+\d+(\s*(\(|av)\s*\d+\)?)?|\d+\s*\(\d+\)|-?\s*\d+\s*-?)\s*$")
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(.*)$")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD_DATE = re.compile(r"\b(\d{1,2})\s+([a-zåäö]+)\s+(\d{4})\b", re.IGNORECASE)
_REFERENCE = re.compile(r"^(svar på remiss|remiss från|yttrande över)|\bdnr\b", re.I)
_TITLE_WORDS = re.compile(
    r"(chef|direktör|ansvarig|handläggare|sekreterare|samordnare|strateg|utredare|ordförande"
    r"|jurist|controller|konsult|kommundirektör)$",
    re.IGNORECASE,
)


@dataclass
class Line:
    """One line of the source, with what the format itself tells (Word's heading styles)."""

    text: str
    page: int = 0
    kind: str = ""  # "", "heading", "numbered"
    repaired: int = 0


@dataclass
class Paragraph:
    text: str
    part: str = UNPLACED
    confidence: float = 0.0


@dataclass
class Field:
    value: str = ""
    confidence: float = 0.0
    source: str = ""


@dataclass
class ImportedStatement:
    """What the importer recognised; plain data, so that it can wait in the database."""

    fields: dict[str, Field] = field(default_factory=dict)
    proposals: list[str] = field(default_factory=list)
    proposals_confidence: float = 0.0
    paragraphs: list[Paragraph] = field(default_factory=list)
    signers: list[tuple[str, str]] = field(default_factory=list)
    signers_confidence: float = 0.0
    attachments: list[str] = field(default_factory=list)
    focus_areas: list[tuple[str, str]] = field(default_factory=list)  # (heading, text)
    page_furniture: list[str] = field(default_factory=list)
    repaired_words: int = 0
    scanned: bool = False
    original_text: str = ""

    def section(self, key: str) -> str:
        return "\n\n".join(p.text for p in self.paragraphs if p.part == key)

    def value(self, name: str) -> str:
        return self.fields.get(name, Field()).value

    def to_json(self) -> dict:
        return {
            "fields": {
                name: {"value": f.value, "confidence": f.confidence, "source": f.source}
                for name, f in self.fields.items()
            },
            "proposals": self.proposals,
            "proposals_confidence": self.proposals_confidence,
            "paragraphs": [
                {"text": p.text, "part": p.part, "confidence": p.confidence}
                for p in self.paragraphs
            ],
            "signers": [list(signer) for signer in self.signers],
            "signers_confidence": self.signers_confidence,
            "attachments": self.attachments,
            "focus_areas": [list(area) for area in self.focus_areas],
            "page_furniture": self.page_furniture,
            "repaired_words": self.repaired_words,
            "scanned": self.scanned,
            "original_text": self.original_text,
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportedStatement:
        return cls(
            fields={name: Field(**value) for name, value in data["fields"].items()},
            proposals=list(data["proposals"]),
            proposals_confidence=data["proposals_confidence"],
            paragraphs=[Paragraph(**p) for p in data["paragraphs"]],
            signers=[tuple(signer) for signer in data["signers"]],
            signers_confidence=data["signers_confidence"],
            attachments=list(data["attachments"]),
            focus_areas=[tuple(area) for area in data.get("focus_areas", [])],
            page_furniture=list(data["page_furniture"]),
            repaired_words=data["repaired_words"],
            scanned=data["scanned"],
            original_text=data["original_text"],
        )


def fold(text: str) -> str:
    """Lower case without diacritics or surrounding punctuation: how headings are compared."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[#*_]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" :.\t")


# The whole run ------------------------------------------------------------------------------


def recognise(pages: list[list[Line]]) -> ImportedStatement:
    result = ImportedStatement()
    result.original_text = "\n\f\n".join("\n".join(line.text for line in page) for page in pages)
    lines = _without_furniture(pages, result)
    full_text = "\n".join(line.text for line in lines)
    if ocr.looks_damaged(full_text):
        result.scanned = True
        lines = _repaired(lines)
        result.repaired_words = sum(line.repaired for line in lines)
    blocks = _paragraphs(lines)
    _assign(blocks, result)
    return result


# 1. Page furniture --------------------------------------------------------------------------


def _without_furniture(pages: list[list[Line]], result: ImportedStatement) -> list[Line]:
    """Page numbers, and lines at the same edge (top or bottom) of at least two pages and half
    of them, numbers aside ("Sida 2 (6)", an address); a page ends a paragraph only after a
    full stop, since a paragraph may go on over the page break."""

    def edges(page: list[Line]) -> list[tuple[str, Line]]:
        texts = [line for line in page if line.text.strip()]
        return [("top", line) for line in texts[:EDGE_LINES]] + [
            ("bottom", line) for line in texts[-EDGE_LINES:]
        ]

    def key(where: str, text: str) -> str:
        return where + re.sub(r"\d+", "#", fold(text))

    counts: Counter[str] = Counter()
    for page in pages:
        for where_key in {key(where, line.text) for where, line in edges(page)}:
            counts[where_key] += 1
    needed = max(2, (len(pages) + 1) // 2)
    repeated = {k for k, count in counts.items() if count >= needed}
    kept: list[Line] = []
    for page in pages:
        furniture = {
            id(line)
            for where, line in edges(page)
            if key(where, line.text) in repeated and len(line.text) < 120
        }
        for line in page:
            is_page_number = bool(line.text.strip()) and bool(_PAGE_NUMBER.match(line.text))
            if (is_page_number or id(line) in furniture) and line.kind != "heading":
                result.page_furniture.append(line.text.strip())
            else:
                kept.append(line)
        while kept and not kept[-1].text.strip():
            kept.pop()  # the gap above the footer is no paragraph break
        if kept and kept[-1].text.strip().endswith((".", "!", "?", ":")):
            kept.append(Line(""))
    return kept


# 2. Scanned text --------------------------------------------------------------------------


def _repaired(lines: list[Line]) -> list[Line]:
    out = []
    previous = ""
    for line in lines:
        # The previous line is context: a capital after a full stop starts a sentence.
        context = previous + "\n"
        text, changed = ocr.repair_text(context + line.text)
        changed -= ocr.repair_text(context)[1]
        text = normalise.typography(text.rsplit("\n", 1)[-1])
        out.append(Line(text.strip(), line.page, line.kind, changed))
        previous = line.text.strip()
    return out


# 3. Paragraphs ------------------------------------------------------------------------------


@dataclass
class Block:
    text: str
    kind: str = ""  # "", "heading", "numbered"
    part: str = ""  # for headings: the part it opens
    confidence: float = 1.0
    repaired: int = 0
    lines: list[str] = field(default_factory=list)


def heading_part(text: str) -> str | None:
    return HEADINGS.get(fold(text))


def _run_in_heading(text: str) -> tuple[str, str, str] | None:
    """ "Bakgrund Kommunstyrelsen har …" or "Bakgrund: Kommunstyrelsen …": (heading, part, rest).

    Only when the text after the heading starts a new sentence (a capital, or after a colon), so
    that "Ärendet har beretts …" stays a sentence."""
    words = text.split()
    for size in range(min(6, len(words) - 1), 0, -1):
        head = " ".join(words[:size])
        part = heading_part(head)
        if part is None:
            continue
        rest = text.split(None, size)[size] if len(words) > size else ""
        if head.endswith(":") or (rest[:1].isupper() or rest[:1].isdigit()):
            return head.rstrip(":").strip(), part, rest
    return None


def _paragraphs(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current.text.strip():
            blocks.append(current)
        current = None

    for line in lines:
        text = re.sub(r"^#+\s*", "", line.text.strip()) if line.text.strip() else ""
        markdown_heading = line.text.lstrip().startswith("#")
        if not text:
            close()
            continue
        part = heading_part(text)
        if part is not None and (line.kind == "heading" or len(text) < 60):
            close()
            confidence = 0.95 if line.kind == "heading" or markdown_heading else 0.85
            blocks.append(Block(text.rstrip(":"), "heading", part, confidence, line.repaired))
            continue
        if line.kind == "heading" or markdown_heading:
            close()
            blocks.append(Block(text, "heading", "", 0.5, line.repaired, [text]))
            continue
        run_in = _run_in_heading(text)
        if run_in is not None:
            close()
            head, part, rest = run_in
            blocks.append(Block(head, "heading", part, 0.7, line.repaired))
            text = rest
        numbered = _NUMBERED.match(text)
        if line.kind == "numbered" or numbered:
            close()
            current = Block(text, "numbered", repaired=line.repaired, lines=[text])
            continue
        if current is None:
            current = Block(text, repaired=line.repaired, lines=[text])
            continue
        current.text = _join(current.text, text)
        current.lines.append(text)
        current.repaired += line.repaired
    close()
    return blocks


def _join(before: str, after: str) -> str:
    """Two lines of one paragraph; a hyphen at the line end is a break, not a dash."""
    if before.endswith("-") and len(before) > 1 and before[-2].isalpha():
        next_word = after.split(" ", 1)[0]
        if next_word in {"och", "eller", "samt", "respektive"}:
            return f"{before} {after}"  # "trygghets- och säkerhetsprogram"
        if before[-2].isupper() or not after[:1].islower():
            return before + after  # "HR-\navdelningen"
        joined_word = before.rsplit(" ", 1)[-1][:-1] + next_word
        hyphenated_word = before.rsplit(" ", 1)[-1] + next_word
        if ocr.zipf(hyphenated_word.strip(".,;:")) > ocr.zipf(joined_word.strip(".,;:")):
            return before + after
        return before[:-1] + after
    return f"{before} {after}"


# 4–6. The parts -----------------------------------------------------------------------------


def _assign(blocks: list[Block], result: ImportedStatement) -> None:
    index = _header(blocks, result)
    index = _title_and_reference(blocks, index, result)
    _mark_signature(blocks)
    part = UNPLACED
    part_confidence = 0.0
    proposal_texts: list[str] = []
    proposal_confidence = 0.0
    for block in blocks[index:]:
        if block.kind == "heading" and block.part:
            part, part_confidence = block.part, block.confidence
            if part == PROPOSALS:
                proposal_confidence = block.confidence
            continue
        if block.kind == "signature-part":
            continue
        if block.kind == "signature":
            lines = block.lines or [block.text]
            for offset in range(0, len(lines), 2):
                title = lines[offset + 1].strip() if offset + 1 < len(lines) else ""
                result.signers.append((lines[offset].strip(), title))
            result.signers_confidence = 0.7
            continue
        if part == FOCUS_AREAS:
            if block.kind == "heading":
                result.focus_areas.append((block.text, ""))
            elif result.focus_areas:
                heading, text = result.focus_areas[-1]
                result.focus_areas[-1] = (heading, f"{text}\n\n{block.text}".strip())
            else:
                result.paragraphs.append(Paragraph(block.text, "views", part_confidence * 0.6))
            continue
        if block.kind == "heading":  # a heading no rule knows: its own paragraph, kept
            result.paragraphs.append(Paragraph(block.text, part, part_confidence * 0.6))
            continue
        if part == PROPOSALS:
            match = _NUMBERED.match(block.text)
            text = match.group(2) if match else block.text
            if not match and block.kind != "numbered":
                proposal_confidence = min(proposal_confidence, 0.6)
            proposal_texts.append(text.strip())
            continue
        if part == ATTACHMENTS:
            for line in block.lines or [block.text]:
                match = _NUMBERED.match(line)
                title = (match.group(2) if match else line).strip().rstrip(".")
                title = re.sub(r"^bilaga\s+\d+[:.]?\s*", "", title, flags=re.I)
                if title:
                    result.attachments.append(title)
            continue
        confidence = part_confidence
        if block.repaired:
            confidence *= 0.9
        result.paragraphs.append(Paragraph(block.text, part, round(confidence, 2)))
    result.proposals = proposal_texts
    result.proposals_confidence = proposal_confidence if proposal_texts else 0.0


def _header(blocks: list[Block], result: ImportedStatement) -> int:
    """Read the header fields; returns the index of the first block after the header."""
    fields = result.fields
    pending: list[str] = []
    labelled_seen = False
    index = 0
    for index, block in enumerate(blocks):
        if block.kind == "heading" and block.part:
            break
        consumed = False
        lines = block.lines or [block.text]
        leftover: list[str] = []
        for line in lines:
            folded = fold(line)
            if folded in DOCUMENT_TYPES:
                consumed = True
                continue
            labels = _labels_only(line)
            if labels:
                pending.extend(labels)
                labelled_seen = consumed = True
                continue
            labelled = _labelled(line)
            if labelled:
                labelled_seen = True
            if labelled:
                for name, value in labelled:
                    _set_field(fields, name, value, 0.9, line)
                consumed = True
                continue
            if pending:
                for name, value in _values_for(pending, line):
                    _set_field(fields, name, value, 0.6, line)
                pending = []
                consumed = True
                continue
            if not labelled_seen and ORGANISATION_WORDS.search(line.strip()) and len(line) < 80:
                # "Stockholms stad" above "Södermalms stadsdelsförvaltning": city, administration
                is_city = re.search(r"\b(stad|kommun|region)$", line.strip(), re.I)
                name = "city" if is_city else "administration"
                _set_field(fields, name, line.strip(), 0.6, line)
                consumed = True
                continue
            leftover.append(line)
        if leftover and consumed:
            block.lines = leftover
            block.text = " ".join(leftover)
            return index
        if not consumed:
            return index
    return len(blocks)


def _labels_only(line: str) -> list[str]:
    """ "Handläggare Till" → the two fields whose values follow on the next line."""
    words = fold(line).replace(":", " ").split()
    if words and all(word in FIELD_LABELS for word in words):
        return [FIELD_LABELS[word] for word in words]
    return []


def _labelled(line: str) -> list[tuple[str, str]]:
    """ "Telefon: 0850812192 12 december 2019" → phone, and the date that followed it."""
    match = re.match(r"^\s*([A-Za-zÅÄÖåäö]+)\s*:?\s+(.+)$", line)
    if not match:
        return []
    name = FIELD_LABELS.get(fold(match.group(1)))
    if name is None:
        return []
    value = match.group(2).strip()
    is_organisation = ORGANISATION_WORDS.search(value.split(",")[0].strip())
    if name == "addressed_to" and not is_organisation and ":" not in line:
        return []  # "Till slut …": a sentence, not the label
    found = [(name, value)]
    if name != "date":
        date_match = _WORD_DATE.search(value) or _ISO_DATE.search(value)
        if date_match and date_match.start() > 0:
            found = [(name, value[: date_match.start()].strip()), ("date", date_match.group(0))]
    return found


def _values_for(names: list[str], line: str) -> list[tuple[str, str]]:
    """Values of several labels written on one line: split where an organisation's name begins
    (for Till) or a date (for Datum); otherwise the first label takes the whole line."""
    words = line.split()
    if len(names) == 2 and "addressed_to" in names:
        other = names[0] if names[1] == "addressed_to" else names[1]
        if names[0] == "addressed_to":  # "Till Handläggare": the organisation comes first
            for cut in range(1, len(words)):
                if ORGANISATION_WORDS.search(" ".join(words[:cut])):
                    return [("addressed_to", " ".join(words[:cut])), (other, " ".join(words[cut:]))]
        for cut in range(len(words) - 1, 0, -1):  # the shortest organisation name that fits
            rest = " ".join(words[cut:])
            if ORGANISATION_WORDS.search(rest) and words[cut][:1].isupper():
                return [(other, " ".join(words[:cut])), ("addressed_to", rest)]
    if len(names) >= 2 and "date" in names:
        match = _WORD_DATE.search(line) or _ISO_DATE.search(line)
        if match:
            other = next(name for name in names if name != "date")
            return [(other, line[: match.start()].strip()), ("date", match.group(0))]
    return [(names[0], line.strip())]


def _set_field(fields: dict[str, Field], name: str, value: str, confidence: float, source: str):
    value = value.strip().strip(",")
    if name == "phone":
        value = normalise.phone(value)
    if name == "date":
        parsed = parse_date(value)
        if parsed is None:
            confidence = 0.2
        else:
            value = parsed.isoformat()
    if name in fields and fields[name].confidence >= confidence:
        return
    fields[name] = Field(value, confidence, source.strip())


def parse_date(text: str) -> datetime.date | None:
    try:
        match = _ISO_DATE.search(text)
        if match:
            return datetime.date(*(int(group) for group in match.groups()))
        match = _WORD_DATE.search(text)
        if match and fold(match.group(2)) in {fold(m) for m in MONTHS}:
            month = next(n for name, n in MONTHS.items() if fold(name) == fold(match.group(2)))
            return datetime.date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None
    return None


def _title_and_reference(blocks: list[Block], index: int, result: ImportedStatement) -> int:
    """The title is the first paragraph after the header, unless it is the reference line."""
    for _ in range(2):
        if index >= len(blocks) or (blocks[index].kind == "heading" and blocks[index].part):
            break
        block = blocks[index]
        text = block.text.strip()
        if _REFERENCE.search(text) and "reference_line" not in result.fields:
            if not re.search(r",\s*dnr\b", text, re.I):
                text = re.sub(r"\s+dnr\b", ", dnr", text, count=1, flags=re.I)
            result.fields["reference_line"] = Field(text, 0.8, block.text)
            dnr = re.search(r"\bdnr\s+(.+)$", text, re.I)
            if dnr and "remiss_dnr" not in result.fields:
                result.fields["remiss_dnr"] = Field(dnr.group(1).strip(), 0.8, block.text)
        elif "title" not in result.fields:
            confidence = 0.9 if block.kind == "heading" else 0.75
            result.fields["title"] = Field(text, confidence, block.text)
        else:
            break
        index += 1
    return index


def _mark_signature(blocks: list[Block]) -> None:
    """The short lines closing the text, before Bilagor: name, title (name, title, …), as one
    paragraph or a paragraph per line (Word)."""
    end = next(
        (i for i, b in enumerate(blocks) if b.kind == "heading" and b.part == ATTACHMENTS),
        len(blocks),
    )
    start = end
    while (
        start > 0
        and blocks[start - 1].kind == ""
        and all(_short_line(line) for line in blocks[start - 1].lines or [blocks[start - 1].text])
    ):
        start -= 1
    lines = [line for block in blocks[start:end] for line in block.lines or [block.text]]
    while lines and not _looks_like_signature(lines):  # the first lines may be text
        start += 1
        lines = [line for block in blocks[start:end] for line in block.lines or [block.text]]
    if not lines:
        return
    blocks[start].kind = "signature"
    blocks[start].lines = lines
    for block in blocks[start + 1 : end]:
        block.kind = "signature-part"


def _short_line(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 5
        and words[0][:1].isupper()
        and not line.rstrip().endswith((".", ":", ";", ","))
    )


def _looks_like_signature(lines: list[str]) -> bool:
    if not lines or len(lines) > 8:
        return False
    for line in lines:
        words = line.split()
        if not words or len(words) > 5 or line.rstrip().endswith((".", ":", ";", ",")):
            return False
        if not words[0][:1].isupper():
            return False
    names = lines[0::2]
    return all(_looks_like_name(name) for name in names)


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return (
        2 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and not (_TITLE_WORDS.search(line))
    )
