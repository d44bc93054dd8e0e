"""The meeting's documents: the kallelse with its föredragningslista, the whole protokoll, and
what the protokollsutdrag says about who took part (närvaro, beslutsunderlag,
utdragsbestyrkande). Context and HTML here; `remiss.pdf.render_pdf` makes the PDF/A."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any, cast

from django.tasks import TaskContext, task
from django.template.loader import render_to_string

from remiss import council, pdf, tasks
from remiss.models import AgendaIssue, Meeting, Seat
from remiss.models.jobs import Job
from remiss.paragraphs import basis, kept_at, name_of, paragraph_attendance, signers
from remiss.paragraphs import read as read_paragraphs


def meeting_attendance(meeting: Meeting) -> dict[str, Any]:
    """The protokoll's opening: serving, present not serving, and the others present."""
    serving: list[str] = []
    present: list[str] = []
    for a in meeting.attendance.select_related(
        "user", "seat", "replaces__person", "arrives_at", "leaves_after"
    ).order_by("seat__kind", "seat__position", "pk"):
        seat = a.seat
        text = name_of(a.user) + (f" ({seat.party})" if seat and seat.party else "")
        if a.user_id == meeting.chair_id:
            text += f", {meeting.get_chair_capacity_display().split(',')[0].lower()}"
        elif a.serving and a.replaces is not None:
            text += f", ersättare för {a.replaces.name}"
        elif seat is not None and seat.office:
            text += f", {seat.get_office_display().lower()}"
        if a.arrives_at is not None:
            text += f", från § {a.arrives_at.number}"
        if a.leaves_after is not None:
            text += f", till och med § {a.leaves_after.number}"
        (serving if a.serving else present).append(text)
    others = [line.strip() for line in meeting.other_participants.splitlines() if line.strip()]
    if meeting.secretary_id:
        others.append(f"{name_of(meeting.secretary)}, sekreterare")
    return {"serving": serving, "present": present, "others": others}


# --- Kallelse och föredragningslista -----------------------------------------------------------


def agenda_context(meeting: Meeting, *, version: int, issued_on: datetime.date) -> dict[str, Any]:
    council_ = meeting.organisation
    label = "Kallelse" if version == 1 else f"Tilläggslista {version - 1}"
    items = [
        {"item": item, "basis": basis(item)}
        for item in meeting.items.select_related(
            "statement__recipient__organisation", "statement__recipient__remiss"
        ).order_by("number")
    ]
    seats = list(council.seats(meeting))
    return {
        "meeting": meeting,
        "council": council_,
        "label": label,
        "version": version,
        "issued_on": issued_on,
        "items": items,
        "members": [s for s in seats if s.kind == Seat.Kind.MEMBER],
        "substitutes": [s for s in seats if s.kind == Seat.Kind.SUBSTITUTE],
        "secretary_name": name_of(meeting.secretary),
        "chair_name": next((s.name for s in seats if s.office == Seat.Office.CHAIR), ""),
        "draft": False,
        "meta": {
            "title": f"{label} {council_.name} {meeting.date:%Y-%m-%d}",
            "author": council_.name,
            "description": f"Föredragningslista för sammanträdet {meeting.date:%Y-%m-%d}",
            "keywords": [],
            "created": issued_on.isoformat(),
        },
    }


def agenda_html(meeting: Meeting, *, version: int, issued_on: datetime.date) -> str:
    return render_to_string(
        "pdf/agenda.html", agenda_context(meeting, version=version, issued_on=issued_on)
    )


def agenda_pdf(meeting: Meeting, *, version: int, issued_on: datetime.date) -> bytes:
    return pdf.render_pdf(agenda_html(meeting, version=version, issued_on=issued_on))


# --- The issued kallelse, rendered by a durable job ------------------------------------------
#
# Issuing a kallelse (workflow.issue_agenda) stores its print HTML on the AgendaIssue and orders
# render_agenda in the same transaction: with TASKS_BACKEND=database the worker lays it out, not
# the secretary's request (a long agenda takes WeasyPrint seconds); with the immediate backend
# (`make run`) it runs when the step commits. A failure is retried with backoff like every
# durable job (remiss/tasks.py); until the PDF is stored, its address says it is being prepared.


@task(takes_context=True)
def render_agenda(context: TaskContext, issue_id: int) -> bool:
    """Skicka kallelsen: one attempt at laying out an issued kallelse and storing its PDF."""
    return tasks.run(
        AgendaIssue, issue_id, _render_and_store, render_agenda, tasks.worker_of(context)
    )


def order_rendering(issue: AgendaIssue) -> None:
    """In the issuing transaction: the job that makes the PDF."""
    tasks.enqueue(render_agenda, issue.pk)


def retry(issue: AgendaIssue) -> bool:
    """Försök igen: a failed rendering is ordered again now, with fresh attempts. False when
    it had not failed (done, or under way)."""
    return tasks.retry(AgendaIssue, render_agenda, issue.pk)


def render_now(issue_id: int) -> bool:
    """Lay out the kallelse here and now, unless done or under way (tests, the shell)."""
    return tasks.run(AgendaIssue, issue_id, _render_and_store, render_agenda)


def recover(*, failed: bool = False, only: list[int] | None = None) -> int:
    """Put stuck kallelser back on the queue (see tasks.recover)."""
    return tasks.recover(AgendaIssue, render_agenda, failed=failed, only=only)


def _render_and_store(job: Job) -> None:
    issue = cast(AgendaIssue, job)  # tasks.run hands back the row of the model it was given
    content = pdf.render_pdf(issue.html)
    digest = hashlib.sha256(content).hexdigest()
    # The HTML has served its purpose once the PDF is kept.
    tasks.keep_file(issue, f"{digest}.pdf", content, sha256=digest, html="")


def agenda_filename(issue) -> str:
    meeting = issue.meeting
    return (
        pdf.safe_filename(f"{issue.label} {meeting.organisation.name} {meeting.date:%Y-%m-%d}")
        + ".pdf"
    )


# --- Protokoll --------------------------------------------------------------------------------


def minutes_context(meeting: Meeting) -> dict[str, Any]:
    council_ = meeting.organisation
    paragraphs: list[dict[str, Any]] = []
    # The delegationsbeslut reported in a paragraph are printed under it (pdf/minutes.html).
    items = meeting.items.prefetch_related("delegated_decisions")
    for paragraph in read_paragraphs(meeting, items):
        item, decision, vote, ballots = (
            paragraph.item,
            paragraph.decision,
            paragraph.vote,
            paragraph.ballots,
        )
        paragraphs.append(
            {
                "item": item,
                "decision": decision,
                "basis": basis(item),
                "attendance": paragraph_attendance(item, paragraph),
                "proposals": list(decision.proposals.all()) if decision else [],
                "vote": vote,
                "ballots": ballots,
                "counts": vote.counts(ballots) if vote else None,
                "vote_result": vote.result(ballots) if vote else "",
                "reservations": list(decision.reservations.all()) if decision else [],
                "special_statements": list(decision.special_statements.all()) if decision else [],
                "notes": list(decision.notes.all()) if decision else [],
                "immediate_signers": [s for s in signers(meeting, decision) if s["signed_at"]]
                if decision is not None and decision.immediate and decision.justified_on
                else [],
                "appeal_note": council.appeal_note(item, decision.appeal_ends)
                if decision is not None and decision.justified_on
                else "",
            }
        )
    notice = meeting.notices.filter(decision__isnull=True).first()
    numbers = [p["item"].number for p in paragraphs]
    span = (
        f"§§ {numbers[0]}–{numbers[-1]}"
        if len(numbers) > 1
        else (f"§ {numbers[0]}" if numbers else "")
    )
    return {
        "meeting": meeting,
        "council": council_,
        "attendance": meeting_attendance(meeting),
        "paragraphs": paragraphs,
        "span": span,
        "signers": signers(meeting),
        "notice": notice,
        "kept_at": notice.kept_at if notice is not None else kept_at(meeting),
        "secretary_name": name_of(meeting.secretary),
        "justified": meeting.minutes_justified_on is not None,
        "draft": meeting.minutes_justified_on is None,
        "meta": {
            "title": f"Protokoll {council_.name} {meeting.date:%Y-%m-%d}",
            "author": council_.name,
            "description": f"Protokoll från sammanträdet {meeting.date:%Y-%m-%d}, {span}",
            "keywords": [],
            "created": (meeting.minutes_justified_on or meeting.date).isoformat(),
        },
    }


def minutes_html(meeting: Meeting) -> str:
    return render_to_string("pdf/minutes.html", minutes_context(meeting))


def minutes_pdf(meeting: Meeting) -> bytes:
    return pdf.render_pdf(minutes_html(meeting))


def minutes_filename(meeting: Meeting) -> str:
    return (
        pdf.safe_filename(f"Protokoll {meeting.organisation.name} {meeting.date:%Y-%m-%d}") + ".pdf"
    )
