"""The printed documents: the tjänsteutlåtande and the protokollsutdrag as PDF.

Two steps, kept apart so that each can be tested on its own:

1. `statement_html` and `extract_html` build the print HTML from Django templates
   (`templates/pdf/`), with the user's text escaped by the template engine and the sections
   rendered by `remiss.markup.render` (sanitised by nh3). The document's metadata lives in the
   HTML head: `<title>`, `<meta name="author">`, `<meta name="description">` (the PDF's
   subject), `<meta name="keywords">` (the registration numbers) and `<html lang="sv">`.
2. `render_pdf` turns any such HTML into PDF bytes with WeasyPrint, which copies the head into
   the PDF's document information and XMP metadata.

The choices:

- PDF/A-2a. A public body's published documents must both last (PDF/A: every font embedded,
  an sRGB output intent, XMP metadata, a file identifier, nothing fetched from outside) and be
  accessible (conformance level "a": a tagged structure tree of headings, sections, paragraphs
  and lists, Unicode text, and the document's language), which WeasyPrint builds from the
  HTML with `pdf_tags=True`. Part 2 (ISO 19005-2, on PDF 1.7) rather than part 1 (on PDF 1.4,
  which forbids the compressed object streams WeasyPrint writes), and rather than part 3,
  which only adds embedded files: these two embed none. The reply (yttrande) is PDF/A-3a:
  the extract and the statement as tagged pages, and every attachment of the statement
  embedded as an associated file with its original bytes (see `reply_pdf`).
- One typeface, shipped with the code: Source Sans 3 (SIL Open Font License 1.1) in
  `static/fonts/source-sans-3/`, loaded with `@font-face` from `static/pdf/print.css`. The
  output never depends on the fonts installed on the server.
- A fetcher that serves only our own static folder. WeasyPrint would otherwise fetch any URL
  or read any local file a document names (an image, a stylesheet, a font). The templates
  escape what users write, so user text cannot name one; `static_fetcher()` is the second
  wall: it reads files under `settings.BASE_DIR / "static"` (after resolving symbolic links
  and "..") with the suffixes the print needs, and refuses everything else, which WeasyPrint
  then skips with a warning in the log.
- Page furniture (the header of page 1, the compact header of the pages after it, "Sida k (n)"
  and the "UTKAST" watermark of an unsigned statement or an unjustified decision) is laid out
  by CSS paged media: running elements in the page's margin boxes, and a fixed element that
  WeasyPrint repeats on every page.
- WeasyPrint (and pydyf) are imported when a document is first laid out, not with this module:
  the import takes 0.4 s and loads Pango, and of the processes that import this module (every
  manage.py command, the web workers, the tests' subprocesses) only the worker renders.
"""

from __future__ import annotations

import collections
import copy
import functools
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string

from remiss import council as council_rules
from remiss import paragraphs
from remiss.models import Statement

if TYPE_CHECKING:
    from weasyprint import CSS, HTML
    from weasyprint.css.counters import CounterStyle
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    from remiss.models import Decision

PDF_VARIANT = "pdf/a-2a"
REPLY_VARIANT = "pdf/a-3a"

# What a print document may load from the static folder: its stylesheet and its fonts.
ALLOWED_SUFFIXES = {".css": "text/css", ".ttf": "font/ttf"}

# Until the head of administration signs, the statement is a draft and is marked as one.
UNSIGNED_STATUSES = {Statement.Status.DRAFT, Statement.Status.IN_REVIEW}


class UnsafeURLError(ValueError):
    """A print document named a resource outside the project's static folder."""


def static_root() -> Path:
    """The only folder a print document may read from."""
    return (Path(settings.BASE_DIR) / "static").resolve()


def static_fetcher(root: Path | None = None) -> URLFetcher:
    """WeasyPrint's URL fetcher, narrowed to `file:` URLs inside `root`, the static folder."""
    return _fetcher_class()(root)


@functools.cache
def _fetcher_class() -> type[URLFetcher]:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeStaticFetcher(URLFetcher):
        """WeasyPrint's URL fetcher, narrowed to `file:` URLs inside the static folder.

        Anything else (http, https, ftp, data:, a file elsewhere on the disk, a path that climbs
        out with ".." or a symbolic link, a suffix other than .css or .ttf) raises
        `UnsafeURLError`; WeasyPrint logs it and renders the document without the resource.
        Nothing is opened over the network: `fetch` never calls the parent's opener.
        """

        def __init__(self, root: Path | None = None) -> None:
            super().__init__(timeout=1, allowed_protocols={"file"}, allow_redirects=False)
            self.root = (root or static_root()).resolve()

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            path = self.resolve(url)
            return URLFetcherResponse(
                path.as_uri(),
                body=path.read_bytes(),
                headers={"Content-Type": ALLOWED_SUFFIXES[path.suffix.lower()]},
            )

        def resolve(self, url: str) -> Path:
            """The file inside the static folder that `url` names, or UnsafeURLError."""
            parts = urlsplit(url)
            if parts.scheme.lower() != "file":
                raise UnsafeURLError(f"Only files in the static folder may be read, not {url[:80]}")
            if parts.netloc not in ("", "localhost"):
                raise UnsafeURLError(f"Not a local file: {url[:80]}")
            try:
                path = Path(url2pathname(parts.path)).resolve(strict=True)
            except (OSError, RuntimeError, ValueError) as error:  # ValueError: a NUL in the path
                raise UnsafeURLError(f"No such file: {url[:80]}") from error
            if not path.is_relative_to(self.root) or not path.is_file():
                raise UnsafeURLError(f"Outside the static folder: {url[:80]}")
            if path.suffix.lower() not in ALLOWED_SUFFIXES:
                raise UnsafeURLError(f"Not a stylesheet or a font: {url[:80]}")
            return path

    return SafeStaticFetcher


# Built once per process, not once per render: WeasyPrint's URL fetcher makes an SSL context
# when it is created (30–60 ms, for an HTTPS the portal never fetches), the font configuration
# registers the four font files with Fontconfig, and the print stylesheet is parsed into
# WeasyPrint's rules. Each is read-only once made (the font configuration only adds a font face
# it does not have yet), so every render in the process shares them.
PRINT_STYLESHEET_LINK = '<link rel="stylesheet" href="pdf/print.css">'


@functools.cache
def _shared() -> tuple[URLFetcher, FontConfiguration, CSS, CounterStyle]:
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.text.fonts import FontConfiguration

    root = static_root()
    fetcher = static_fetcher(root)
    fonts = FontConfiguration()
    counter_style = CounterStyle()
    stylesheet = CSS(
        url=(root / "pdf" / "print.css").as_uri(),  # its fonts resolve against it
        url_fetcher=fetcher,
        font_config=fonts,
        counter_style=counter_style,
        media_type="print",
    )
    return fetcher, fonts, stylesheet, counter_style


def prepare() -> None:
    """Load WeasyPrint, the fonts and the print stylesheet now (the worker, at its start): a
    machine without Pango stops the worker with the reason, instead of failing each PDF job."""
    _shared()


@dataclass
class _Source:
    """A print document ready to lay out with the process' shared fetcher, fonts and
    stylesheet. The templates link pdf/print.css (so the HTML stands on its own); that link is
    replaced here by the stylesheet parsed once (WeasyPrint applies it as a user stylesheet,
    beneath the document's own: the templates carry no other styles but the compilation's,
    which came after it anyway)."""

    html: HTML
    stylesheets: list

    def render(self, **options):
        _, fonts, _, counter_style = _shared()
        return self.html.render(
            stylesheets=self.stylesheets,
            font_config=fonts,
            counter_style=counter_style,
            **options,
        )


def _html(html: str) -> _Source:
    from weasyprint import HTML

    fetcher, _, stylesheet, _ = _shared()
    root = static_root()
    stylesheets = []
    if PRINT_STYLESHEET_LINK in html:
        html = html.replace(PRINT_STYLESHEET_LINK, "", 1)
        stylesheets.append(stylesheet)
    return _Source(
        HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher, media_type="print"),
        stylesheets,
    )


# The last few layouts, by their HTML: the worker renders a decision's protokollsutdrag, then its
# statement, then the reply that bundles both, and the reply takes their pages as laid out
# instead of laying the same HTML out again. Bounded: LAYOUTS_KEPT documents at most.
LAYOUTS_KEPT = 2
_layouts: collections.OrderedDict[str, Any] = collections.OrderedDict()


def layout(html: str):
    """The WeasyPrint document (pages laid out, not yet drawn) of this print HTML."""
    key = hashlib.sha256(html.encode()).hexdigest()
    document = _layouts.get(key)
    if document is None:
        document = _html(html).render(pdf_variant=PDF_VARIANT, pdf_tags=True)
        _layouts[key] = document
        while len(_layouts) > LAYOUTS_KEPT:
            _layouts.popitem(last=False)
    else:
        _layouts.move_to_end(key)
    return document


def render_pdf(html: str) -> bytes:
    """HTML → PDF/A-2a bytes (tagged), its metadata taken from the HTML head.

    Relative URLs (the templates' `pdf/print.css`, the stylesheet's fonts) resolve against the
    static folder, and only that folder is read (see `static_fetcher`).
    """
    return layout(html).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


@dataclass(frozen=True)
class EmbeddedFile:
    """A file carried inside the reply, unchanged (an associated file in PDF/A-3 terms)."""

    name: str  # the file name it had when uploaded
    title: str  # the title the statement gives it
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def reply_pdf(decision: Decision, files: list[EmbeddedFile]) -> bytes:
    """The reply (yttrande) as kommunstyrelsen receives it: PDF/A-3a.

    The protokollsutdrag and the tjänsteutlåtande as tagged pages, each with its own page
    furniture and numbering, then a page that lists the attachments; every attachment, PDF or
    not, is embedded as an associated file ("Supplement") with its original bytes. Attached
    PDFs are embedded, not shown as pages: pages copied from a file we did not make would carry
    no structure tags and whatever fonts and colours it has, and the reply would no longer be
    PDF/A. The statement must be set.
    """
    from weasyprint import Attachment

    from remiss.replies import decided_reply

    statement = decision.item.statement
    decided = decided_reply(statement, decision)
    if decided.kind == "own":
        # The nämnd rejected the statement: its own yttrande is the reply, and the statement's
        # attachments are not part of it.
        files = []
        reply_html = render_to_string("pdf/own_reply.html", _own_reply_context(decided))
    else:
        reply_html = statement_html(statement, decided=decided)
    # The extract, and the statement when it is the reply, as the worker has just laid them
    # out for their own PDFs (the same HTML is laid out once).
    rendered = [layout(extract_html(decision)), layout(reply_html)]
    if files:
        attachments_page = render_to_string(
            "pdf/reply_attachments.html",
            {
                "council": decision.item.meeting.organisation,
                "files": files,
                "meta": {"title": "Bilagor"},
            },
        )
        rendered.append(_html(attachments_page).render(pdf_variant=PDF_VARIANT, pdf_tags=True))
    document = rendered[0].copy([page for part in rendered for page in part.pages])
    # A copy shares the metadata of the laid-out extract, which is kept for the extract's own
    # PDF: the reply's title must not become the extract's.
    document.metadata = copy.deepcopy(document.metadata)
    extract_meta = extract_context(decision)["meta"]
    document.metadata.title = f"Yttrande: {statement.title}"
    document.metadata.authors = [extract_meta["author"]]
    document.metadata.description = extract_meta["description"]
    document.metadata.keywords = extract_meta["keywords"]
    return document.write_pdf(
        pdf_variant=REPLY_VARIANT,
        pdf_tags=True,
        finisher=_each_associated_file_once,
        attachments=[
            Attachment(
                file_obj=io.BytesIO(file.content),
                name=file.name,
                description=file.title,
                relationship="Supplement",
            )
            for file in files
        ],
    )


def _each_associated_file_once(document, pdf) -> None:
    """WeasyPrint 70 lists each embedded file twice in the catalog's /AF (once from the name
    tree, once from the file specification itself); once is what PDF/A-3 means."""
    import pydyf

    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))


# --- The tjänsteutlåtande ---------------------------------------------------------------------


def statement_registration_number(statement: Statement) -> str:
    """The statement's dnr: the recipient's own, else the remiss' (the sender's)."""
    recipient = statement.recipient
    return recipient.registration_number or recipient.remiss.registration_number


def statement_context(statement: Statement) -> dict[str, Any]:
    recipient = statement.recipient
    organisation = recipient.organisation
    remiss = recipient.remiss
    dnr = statement_registration_number(statement)
    officer = statement.case_officer
    administration = organisation.administration or organisation.name
    unsigned = statement.status in UNSIGNED_STATUSES
    keywords = [dnr]
    if remiss.registration_number and remiss.registration_number != dnr:
        keywords.append(remiss.registration_number)
    return {
        "statement": statement,
        "dnr": dnr,
        "administration": administration,
        "case_officer_name": officer.get_full_name() or officer.get_username(),
        "focus_area_views": list(
            statement.focus_area_views.select_related("focus_area").order_by("focus_area__number")
        ),
        "attachments": list(statement.attachments.order_by("position", "pk")),
        "draft": unsigned,
        "signed": not unsigned and bool(statement.signer_name),
        "meta": {
            "title": f"Tjänsteutlåtande: {statement.title}",
            "author": administration,
            "description": statement.reference_line or f"Tjänsteutlåtande, dnr {dnr}",
            "keywords": keywords,
            "created": statement.date.isoformat(),
        },
    }


def statement_html(statement: Statement, *, decided: Any = None) -> str:
    """The print HTML of a tjänsteutlåtande (DOMAIN.md §8). With `decided` (a reply decided
    with changes, replies.DecidedReply): the statement in the nämnd's wording, and the changes
    marked (<del>/<ins>) on the first page."""
    context = statement_context(statement)
    if decided is not None and decided.kind == "amended":
        context["statement"] = decided.as_statement()
        context["changes"] = decided.changes
        context["kind_label"] = "Yttrande i nämndens lydelse"
        context["meta"]["title"] = f"Yttrande i nämndens lydelse: {statement.title}"
    return render_to_string("pdf/statement.html", context)


def _own_reply_context(decided: Any) -> dict[str, Any]:
    """The nämnd's own yttrande (avslag, a yrkande's text adopted), for pdf/own_reply.html."""
    statement = decided.statement
    organisation = statement.recipient.organisation
    decision = decided.decision
    dnr = statement_registration_number(statement)
    return {
        "decided": decided,
        "statement": statement,
        "organisation": organisation,
        "dnr": dnr,
        "meeting": decision.item.meeting,
        "item": decision.item,
        "meta": {
            "title": f"Yttrande: {statement.title}",
            "author": organisation.name,
            "description": f"{organisation}s yttrande, dnr {dnr}",
            "keywords": [dnr],
            "created": decision.item.meeting.date.isoformat(),
        },
    }


def statement_pdf(statement: Statement) -> bytes:
    return render_pdf(statement_html(statement))


def filename_for_statement(statement: Statement) -> str:
    """ "Tjänsteutlåtande SÖD 2019-1102.pdf": the dnr, with "/" written "-"."""
    return safe_filename(f"Tjänsteutlåtande {statement_registration_number(statement)}") + ".pdf"


# --- The protokollsutdrag ---------------------------------------------------------------------


def extract_context(decision: Decision) -> dict[str, Any]:
    item = decision.item
    meeting = item.meeting
    council = meeting.organisation
    statement = item.statement
    keywords: list[str] = []
    reference_line = ""
    if statement is not None:
        recipient = statement.recipient
        reference_line = statement.reference_line
        for number in (recipient.registration_number, recipient.remiss.registration_number):
            if number and number not in keywords:
                keywords.append(number)
    vote = getattr(decision, "vote", None)
    ballots = (
        list(vote.ballots.select_related("member").order_by("member__last_name", "pk"))
        if vote is not None
        else []
    )
    title = extract_title(decision)
    return {
        **paragraphs.extract_extras(decision),
        "decision": decision,
        "item": item,
        "meeting": meeting,
        "council": council,
        "statement": statement,
        "reference_line": reference_line,
        "own_dnr": statement.recipient.registration_number if statement is not None else "",
        "proposals": list(decision.proposals.all()),
        "vote": vote,
        "ballots": ballots,
        "counts": vote.counts(ballots) if vote is not None else None,
        "vote_result": vote.result(ballots) if vote is not None else "",
        "reservations": list(decision.reservations.all()),
        "special_statements": list(decision.special_statements.all()),
        "notes": list(decision.notes.all()),
        "signers": paragraphs.signers(meeting, decision),
        "appeal_note": council_rules.appeal_note(item, decision.appeal_ends)
        if decision.justified_on
        else "",
        "notice": decision.notices.first() or meeting.notices.filter(decision__isnull=True).first(),
        "secretary_name": (
            meeting.secretary.get_full_name() or meeting.secretary.get_username()
            if meeting.secretary is not None
            else ""
        ),
        "justified": decision.justified_on is not None,
        "draft": decision.justified_on is None,
        "meta": {
            "title": title,
            "author": council.name,
            "description": " – ".join(part for part in (item.title, reference_line) if part),
            "keywords": keywords,
            "created": (decision.justified_on or meeting.date).isoformat(),
        },
    }


def extract_title(decision: Decision) -> str:
    """ "Protokollsutdrag Södermalms stadsdelsnämnd 2019-12-12 § 2"."""
    item = decision.item
    meeting = item.meeting
    return f"Protokollsutdrag {meeting.organisation.name} {meeting.date:%Y-%m-%d} § {item.number}"


def extract_html(decision: Decision) -> str:
    """The print HTML of a protokollsutdrag: one paragraph (§) of the council's minutes."""
    return render_to_string("pdf/extract.html", extract_context(decision))


def extract_pdf(decision: Decision) -> bytes:
    return render_pdf(extract_html(decision))


def filename_for_extract(decision: Decision) -> str:
    """ "Protokollsutdrag Södermalms stadsdelsnämnd 2019-12-12 § 2.pdf"."""
    return safe_filename(extract_title(decision)) + ".pdf"


_UNSAFE_IN_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def safe_filename(name: str) -> str:
    """A file name that every system accepts: "/" and the other separators and reserved
    characters become "-", control characters and runs of spaces a single space."""
    name = _UNSAFE_IN_FILENAME.sub(lambda m: " " if m[0] < " " or m[0] == "\x7f" else "-", name)
    return re.sub(r"\s+", " ", name).strip(" .") or "Dokument"
