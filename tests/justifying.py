"""Justering as the chair and the justerare do it (remiss.signing, remiss.workflow): each person
confirms with their own password ("demo" for every test user) and signs the SHA-256 of the text
as it stands. For tests that need a justified paragraph or protokoll on the way to something
else; the rules of justering themselves are tested in tests/test_justering.py."""

from django.contrib.auth import get_user_model

from remiss import signed_text, signing, workflow
from remiss.models import Decision, Meeting

PASSWORD = "demo"


def confirmation(user, sha256: str) -> signing.Confirmation:
    return signing.PasswordBackend().confirm(
        request=None, user=user, data={"password": PASSWORD}, sha256=sha256
    )


def _people(meeting: Meeting, people) -> list:
    if people:
        return list(people)
    ids = workflow.justifiers_of(meeting)
    ordered = sorted(ids, key=lambda pk: (pk != meeting.chair_id, pk))
    users = get_user_model().objects.in_bulk(ordered)
    return [users[pk] for pk in ordered]


def sign_paragraph(decision: Decision, user) -> bool:
    digest = signed_text.sha256(signed_text.extract_text(Decision.objects.get(pk=decision.pk)))
    return workflow.justify_paragraph(
        decision=decision, user=user, confirmation=confirmation(user, digest), sha256=digest
    )


def sign_minutes(meeting: Meeting, user) -> bool:
    digest = signed_text.sha256(signed_text.minutes_text(Meeting.objects.get(pk=meeting.pk)))
    return workflow.justify_minutes(
        meeting=meeting, user=user, confirmation=confirmation(user, digest), sha256=digest
    )


def justify_at_once(decision: Decision, *people) -> Decision:
    """Omedelbar justering: the chair and every justerare (or `people`) sign the paragraph."""
    for person in _people(decision.item.meeting, people):
        sign_paragraph(decision, person)
    decision.refresh_from_db()
    return decision


def justify_the_minutes(meeting: Meeting, *people) -> Meeting:
    """The chair and every justerare (or `people`) justify the protokoll."""
    for person in _people(meeting, people):
        sign_minutes(meeting, person)
    meeting.refresh_from_db()
    return meeting


def post_paragraph_signature(client, user, decision: Decision):
    """The person's own request on the signing page of a paragraph justified at once."""
    from django.urls import reverse

    item = Decision.objects.select_related("item").get(pk=decision.pk).item
    digest = signed_text.sha256(signed_text.extract_text(Decision.objects.get(pk=decision.pk)))
    client.force_login(user)
    return client.post(
        reverse("paragraph_justify", args=[item.meeting_id, item.number]),
        {"password": PASSWORD, "sha256": digest},
    )
