"""Sökning: remisses and statements a person may see, found by their words.

What is searched, for one person:

- remisses their organisations sent (in any state), or received once sent: title, diarienummer
  (the sender's, or the organisation's own for the case), description, programme and sender;
- statements (tjänsteutlåtanden): title, the five sections, the views per focus area and the
  recipient's diarienummer; of their own organisations in any state, of other organisations
  only once the reply has been delivered (expedierat), and then only on a remiss the person's
  organisations sent or received. Another organisation's draft is never searched, let alone
  shown.

On PostgreSQL the search is full text with the Swedish configuration: words are stemmed, the
query may use web-search syntax ("en fras", -ord, or), hits are ranked and the snippet is
PostgreSQL's own headline. The Swedish Snowball stemmer that PostgreSQL ships does not remove
the definite ending -et ("säkerhetsprogrammet" stays as it is, while "säkerhetsprogrammen" becomes
"säkerhetsprogramm"), so each plain word is also searched as a prefix of its form without the
definite or plural ending: "säkerhetsprogrammet" finds "säkerhetsprogram" and the reverse.

On SQLite (the quick start) every word of the query must occur somewhere in the searched fields,
ignoring case, and the snippet is the plain text around the first hit.

Snippets are safe HTML: the text is escaped, and only the hits are wrapped in <mark>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from programs.models import Programme
from remiss import markup
from remiss.models import FocusAreaView, Membership, Organisation, Recipient, Remiss, Statement
from remiss.permissions import Person

REMISS = "remiss"
REPLY = "reply"
LIMIT = 50
CONFIG = "swedish"
MAX_QUERY_LENGTH = 200

SECTION_FIELDS = [field for field, _ in Statement.SECTIONS]
REMISS_FIELDS = ["title", "registration_number", "description", "programme__name", "sender__name"]
STATEMENT_FIELDS = ["title", *SECTION_FIELDS, "recipient__registration_number"]

# Marks the headline's hits; private-use characters that no one types, and even if someone
# does, they only ever produce balanced <mark> elements (see _marked).
START, STOP = "\ue000", "\ue001"
_MARKERS = re.compile(f"([{START}{STOP}])")

_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]+")
# Web-search syntax: a quoted phrase, an excluded -word, or OR between words.
_OPERATORS = re.compile(r'"|(?:^|\s)-\w|(?:^|\s)or(?:\s|$)', re.IGNORECASE)
# Definite and plural endings that the query word is cut back from before a prefix search,
# longest first. Prefix matching forgives cutting too much, so the list can stay short.
_ENDINGS = ("ernas", "arnas", "ornas", "erna", "arna", "orna", "ets", "ens", "et", "en", "na")
_DOUBLE_CONSONANT = re.compile(r"([bdfgklmnprstv])\1$")
_MIN_PREFIX = 4


@dataclass(frozen=True)
class Hit:
    """One result: what it is, where it leads and a snippet (safe HTML) of where it matched."""

    kind: str  # REMISS or REPLY
    title: str
    url: str
    snippet: SafeString
    context: str


def search(user: Person, q: str, *, limit: int = LIMIT) -> list[Hit]:
    """Remisses first, then statements, each by relevance (PostgreSQL) or date (SQLite); at
    most `limit` of each kind."""
    q = " ".join((q or "").split())[:MAX_QUERY_LENGTH]
    if not q or not user.is_authenticated:
        return []
    organisation_ids = set(
        Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    )
    if not organisation_ids:
        return []
    remisses = (
        Remiss.objects.visible_to(user)
        .select_related("sender")
        .annotate(
            own_recipient=Subquery(
                Recipient.objects.filter(
                    remiss=OuterRef("pk"), organisation_id__in=organisation_ids
                )
                .order_by("pk")
                .values("pk")[:1]
            )
        )
    )
    statements = Statement.objects.visible_to(user).select_related(
        "recipient__organisation", "recipient__remiss"
    )
    if connection.vendor == "postgresql":
        found = _postgresql(remisses, statements, q, limit, organisation_ids)
    else:
        found = _fallback(remisses, statements, q, limit, organisation_ids)
    remiss_hits, statement_hits = found
    return [
        *(_remiss_hit(remiss, snippet, organisation_ids) for remiss, snippet in remiss_hits),
        *(
            _statement_hit(statement, snippet, organisation_ids)
            for statement, snippet in statement_hits
        ),
    ]


# PostgreSQL: full text, Swedish


def _own_registration_number(organisation_ids, condition: Q) -> Exists:
    """The remiss has a recipient among the organisations whose own dnr meets the condition:
    a recipient knows its case by its own diarienummer as well as by the sender's."""
    return Exists(
        Recipient.objects.filter(
            condition, remiss=OuterRef("pk"), organisation_id__in=organisation_ids
        )
    )


def _postgresql(remisses, statements, q: str, limit: int, organisation_ids):
    from django.contrib.postgres.search import SearchHeadline, SearchRank, SearchVector

    query = postgresql_query(q)
    headline: dict[str, Any] = {
        "config": CONFIG,
        "start_sel": START,
        "stop_sel": STOP,
        "max_words": 30,
        "min_words": 12,
        "max_fragments": 2,
        "fragment_delimiter": " … ",
    }

    # A remiss' own words are kept by PostgreSQL (migration 0029); its programme's and sender's
    # names, a few hundred rows, are matched as they stand.
    named = Q(
        programme__in=Programme.objects.annotate(
            document=SearchVector("name", config=CONFIG)
        ).filter(document=query)
    ) | Q(
        sender__in=Organisation.objects.annotate(
            document=SearchVector("name", config=CONFIG)
        ).filter(document=query)
    )
    in_its_words = Remiss.objects.annotate(document=StoredSearchDocument()).filter(document=query)
    found_remisses = (
        remisses.annotate(document=StoredSearchDocument())
        .filter(
            Q(pk__in=in_its_words.values("pk"))
            | named
            | Q(registration_number__icontains=q)
            | Q(_own_registration_number(organisation_ids, Q(registration_number__icontains=q)))
        )
        .annotate(
            rank=SearchRank(F("document"), query),
            snippet=SearchHeadline("description", query, **headline),
        )
        .order_by("-rank", F("sent_on").desc(nulls_last=True), "registration_number")[:limit]
    )

    # The statements' and the views' words are kept by PostgreSQL (migration 0029): each set of
    # matches is read from its GIN index once, not the query tested against every statement the
    # person may see; ranking reads the kept vectors, and only the page's hits have their text
    # read, for the snippet. A statement found by a view alone ranks after those whose own
    # sections hold the words.
    in_a_view = FocusAreaView.objects.annotate(document=StoredSearchDocument()).filter(
        document=query
    )
    by_number = Statement.objects.filter(recipient__registration_number__icontains=q).values("pk")
    text = Concat(
        *_joined([F(field) for field in SECTION_FIELDS] + [F("focus_text")]),
        output_field=TextField(),
    )
    found_statements = (
        statements.annotate(document=StoredSearchDocument())
        .filter(
            # The text's matches from its GIN index, or the ids the views and the diarienummer
            # found (one array, made once): PostgreSQL ORs the two index scans and reads those
            # rows alone. As `pk IN (the union of all three)` it read every statement to join
            # them to the matches (71 ms of 135-185 at 2,000 remisses, growing with the city).
            Q(document=query)
            | EqualsAny(F("pk"), in_a_view.values("statement_id").union(by_number))
        )
        .annotate(
            rank=SearchRank(F("document"), query),
            # Not a sort key: PostgreSQL works it out for the rows under the limit only.
            focus_text=_focus_text(),
            snippet=SearchHeadline(text, query, **headline),
        )
        .order_by("-rank", "-date", "pk")[:limit]
    )
    return (
        [(remiss, _marked(remiss.snippet)) for remiss in found_remisses],
        [(statement, _marked(statement.snippet)) for statement in found_statements],
    )


class EqualsAny(Func):
    """`expression = ANY(ARRAY(subquery))`: the subquery is run once, and the comparison can be
    an index condition, which `expression IN (subquery)` inside an OR cannot."""

    output_field = BooleanField()

    def __init__(self, expression, queryset):
        from django.contrib.postgres.expressions import ArraySubquery

        array = ArraySubquery(queryset)
        array.query.clear_ordering(force=True)  # as `IN (subquery)` does: no ORDER BY
        super().__init__(expression, array)

    def as_sql(self, compiler, connection, **extra_context):
        expression, array = self.get_source_expressions()
        left, left_params = compiler.compile(expression)
        right, right_params = compiler.compile(array)
        return f"{left} = ANY({right})", (*left_params, *right_params)


class StoredSearchDocument(Expression):
    """The search_document column of the query's own table: the tsvector PostgreSQL keeps for
    each remiss, statement and view per focus area (migration 0029; the models do not declare
    it, so that SQLite needs no such column)."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        table = compiler.quote_name(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name('search_document')}", []


def postgresql_query(q: str):
    """The query as typed (web-search syntax), or, for plain words, each word either as
    PostgreSQL stems it or as a prefix of the word without its definite or plural ending."""
    from django.contrib.postgres.search import SearchQuery

    websearch = SearchQuery(q, config=CONFIG, search_type="websearch")
    if _OPERATORS.search(q):
        return websearch
    combined = None
    for word in _WORD.findall(q):
        part = SearchQuery(word, config=CONFIG, search_type="plain")
        prefix = prefix_form(word)
        if prefix:
            part = part | SearchQuery(f"{prefix}:*", config=CONFIG, search_type="raw")
        combined = part if combined is None else combined & part
    return combined if combined is not None else websearch


def prefix_form(word: str) -> str:
    """The word cut back to what its inflected forms begin with ("säkerhetsprogrammet" →
    "säkerhetsprogram"), or "" when too short or not only letters (raw tsquery input must be
    only letters)."""
    word = word.lower()
    if not _LETTERS.fullmatch(word):
        return ""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_PREFIX:
            word = word[: -len(ending)]
            break
    if _DOUBLE_CONSONANT.search(word) and len(word) > _MIN_PREFIX:
        word = word[:-1]
    return word if len(word) >= _MIN_PREFIX else ""


def _focus_text():
    from django.db.models import StringAgg

    return Subquery(
        FocusAreaView.objects.filter(statement=OuterRef("pk"))
        .order_by()
        .values("statement")
        .annotate(text=StringAgg("text", Value("\n\n")))
        .values("text")[:1]
    )


def _joined(expressions):
    """The expressions with a paragraph break between each, for one headline over them all."""
    joined = []
    for expression in expressions:
        if joined:
            joined.append(Value("\n\n"))
        joined.append(expression)
    return joined


def _marked(headline: str | None) -> SafeString:
    """The headline escaped, its hits (between START and STOP) in <mark>, the markup's
    emphasis and escapes dropped; the marks balanced whatever the text contains."""
    text = re.sub(r"\*+|\\(?=[^\w\s])", "", " ".join((headline or "").split()))
    parts: list[str] = []
    inside = False
    for part in _MARKERS.split(text):
        if part == START:
            if not inside:
                parts.append("<mark>")
                inside = True
        elif part == STOP:
            if inside:
                parts.append("</mark>")
                inside = False
        else:
            parts.append(escape(part))
    if inside:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 - every part of the text has been escaped


# SQLite (and any other database): every word somewhere, ignoring case


def _fallback(remisses, statements, q: str, limit: int, organisation_ids):
    words = _WORD.findall(q)
    if not words:
        return [], []
    remiss_filter = Q()
    statement_filter = Q()
    for word in words:
        remiss_filter &= _any_contains(REMISS_FIELDS, word) | Q(
            _own_registration_number(organisation_ids, _any_contains(["registration_number"], word))
        )
        focus = Q()
        for variant in _case_variants(word):
            focus |= Q(text__icontains=variant)
        statement_filter &= _any_contains(STATEMENT_FIELDS, word) | Q(
            Exists(FocusAreaView.objects.filter(focus, statement=OuterRef("pk")))
        )
    found_remisses = remisses.filter(remiss_filter).order_by(
        F("sent_on").desc(nulls_last=True), "registration_number"
    )[:limit]
    found_statements = (
        statements.filter(statement_filter)
        .prefetch_related("focus_area_views")
        .order_by("-date", "pk")[:limit]
    )
    return (
        [
            (remiss, plain_snippet(markup.to_plain_text(remiss.description), words))
            for remiss in found_remisses
        ],
        [
            (statement, plain_snippet(_statement_text(statement), words))
            for statement in found_statements
        ],
    )


def _case_variants(word: str) -> set[str]:
    # SQLite folds case for ASCII letters only: "östermalm" would not find "Östermalm".
    return {word, word.lower(), word.upper(), word.capitalize()}


def _any_contains(fields: list[str], word: str) -> Q:
    condition = Q()
    for field in fields:
        for variant in _case_variants(word):
            condition |= Q(**{f"{field}__icontains": variant})
    return condition


def _statement_text(statement: Statement) -> str:
    texts = [getattr(statement, field) for field in SECTION_FIELDS]
    texts += [view.text for view in statement.focus_area_views.all()]
    return "\n\n".join(markup.to_plain_text(text) for text in texts if text)


def plain_snippet(text: str, words: list[str], *, width: int = 220) -> SafeString:
    """Some 220 characters of the text around the first hit of any word, escaped, with every
    hit in the window in <mark>; the beginning of the text when no word occurs in it."""
    text = " ".join(text.split())
    if not text:
        return mark_safe("")
    pattern = re.compile(
        "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True)),
        re.IGNORECASE,
    )
    first = pattern.search(text)
    start = 0
    if first is not None and first.start() > width // 3:
        start = first.start() - width // 3
        space = text.find(" ", start, first.start())
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", max(start, first.end() if first else start), end)
        end = space if space > 0 else end
    window = text[start:end]
    parts = ["… "] if start > 0 else []
    last = 0
    for match in pattern.finditer(window):
        parts.append(escape(window[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(window[last:]))
    if end < len(text):
        parts.append(" …")
    return mark_safe("".join(parts))  # noqa: S308 - every part of the text has been escaped


# Hits


def _remiss_hit(remiss: Remiss, snippet: SafeString, organisation_ids: set[int]) -> Hit:
    if remiss.sender_id in organisation_ids:
        url = reverse("remiss_status", args=[remiss.pk])
        sent = f"skickad {remiss.sent_on:%Y-%m-%d}" if remiss.sent_on else "inte skickad"
        context = f"{remiss.registration_number} · skickad av {remiss.sender} · {sent}"
    else:
        url = reverse("recipient", args=[getattr(remiss, "own_recipient")])  # noqa: B009 - annotated
        context = f"{remiss.registration_number} · från {remiss.sender}"
    context += f" · svarsdatum {remiss.deadline:%Y-%m-%d}"
    return Hit(kind=REMISS, title=remiss.title, url=url, snippet=snippet, context=context)


def _statement_hit(statement: Statement, snippet: SafeString, organisation_ids: set[int]) -> Hit:
    recipient = statement.recipient
    remiss = recipient.remiss
    if recipient.organisation_id in organisation_ids:
        url = reverse("statement", args=[statement.pk])
    elif remiss.sender_id in organisation_ids:
        url = reverse("reply", args=[remiss.pk, recipient.pk])
    else:
        url = reverse("public_reply", args=[remiss.pk, recipient.pk])
    if recipient.status == Recipient.Status.DELIVERED and recipient.delivered_at:
        state = f"svar inkommet {timezone.localtime(recipient.delivered_at):%Y-%m-%d}"
    else:
        state = f"tjänsteutlåtande, {statement.get_status_display().lower()}"
    context = f"{recipient.organisation} · {state} · remiss {remiss.registration_number}"
    return Hit(kind=REPLY, title=statement.title, url=url, snippet=snippet, context=context)
