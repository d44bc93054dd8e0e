"""Reading the Södermalm statement of 2019-12-12 from its transcription (the demo fixture).

The transcription is plain text with Markdown headings: header lines ("Handläggare: …"), the title
as "# …", the reference line, then "## …" sections. The statement's signature (name, then title)
closes the "Synpunkter och förslag" section.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

FIXTURE = Path(__file__).with_name("sodermalm-tjansteutlatande-2019-12-12.txt")

_NUMBERED = re.compile(r"^\s*\d+\.\s+(.*)$")


@dataclass
class StatementText:
    administration: str
    case_officer: str
    phone: str
    addressed_to: str
    date: datetime.date
    title: str
    reference_line: str
    proposals: list[str]
    sections: dict[str, str]
    signer_name: str
    signer_title: str
    attachments: list[str] = field(default_factory=list)


def _numbered_items(text: str) -> list[str]:
    return [m.group(1).strip() for line in text.splitlines() if (m := _NUMBERED.match(line))]


def parse(text: str) -> StatementText:
    header, _, rest = text.partition("\n# ")
    header_lines = [line.strip() for line in header.splitlines() if line.strip()]
    fields = dict(line.split(": ", 1) for line in header_lines if ": " in line)

    title_line, _, body = rest.partition("\n")
    parts = re.split(r"^## (.+)$", body, flags=re.MULTILINE)
    reference_line = parts[0].strip()
    sections = {
        heading.strip(): content.strip()
        for heading, content in zip(parts[1::2], parts[2::2], strict=True)
    }

    proposals = _numbered_items(sections.pop("Förslag till beslut"))
    attachments = _numbered_items(sections.pop("Bilagor", ""))

    views_heading = next(h for h in sections if h.endswith("ynpunkter och förslag"))
    paragraphs = sections[views_heading].split("\n\n")
    signer_name, signer_title = paragraphs[-1].strip().splitlines()
    sections[views_heading] = "\n\n".join(paragraphs[:-1]).strip()

    return StatementText(
        administration=header_lines[0],
        case_officer=fields["Handläggare"],
        phone=fields["Telefon"],
        addressed_to=fields["Till"],
        date=datetime.date.fromisoformat(fields["Datum"]),
        title=title_line.strip(),
        reference_line=reference_line,
        proposals=proposals,
        sections=sections,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        attachments=attachments,
    )


def load() -> StatementText:
    return parse(FIXTURE.read_text(encoding="utf-8"))
