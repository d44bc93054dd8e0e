"""The buttons a person sees and the moves the server accepts come from one function
(workflow.statement_moves and workflow.recipient_moves, Wagtail's get_actions idea): for every
role in every state, the forms on the page are exactly the moves a POST gets through (issue 10).
"""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from remiss import workflow
from remiss.models import Delegation, ExtensionRequest, Membership, Recipient, Statement
from tests.conftest import MOVE_URL_NAMES, make_user
from tests.justifying import justify_at_once

Role = Membership.Role
pytestmark = pytest.mark.django_db

ROLES = [
    "handlaggare",
    "direktor",
    "direktor2",
    "sekreterare",
    "ordforande",
    "justerare",
    "ledamot",
]
# A move is offered by its form, or (Signera, which asks for confirmation on a page of its own)
# by a button-styled link to that page.
FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"|<a class="button" href="([^"]+)"')


@pytest.fixture
def people(handlaggare, direktor, sekreterare, ordforande, justerare, sodermalm):
    return {
        "handlaggare": handlaggare,
        "direktor": direktor,  # signs the statement in these worlds
        "direktor2": make_user("direktor2", sodermalm, Role.HEAD_OF_ADMINISTRATION),
        "sekreterare": sekreterare,
        "ordforande": ordforande,
        "justerare": justerare,
        "ledamot": make_user("ledamot", sodermalm, Role.MEMBER),
    }


def _decided(request, immediate: bool):
    item = request.getfixturevalue("on_agenda")
    decision = workflow.record_decision(
        item=item,
        user=request.getfixturevalue("sekreterare"),
        record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=immediate),
    )
    if immediate:
        justify_at_once(decision)
    return Statement.objects.get(pk=item.statement_id)


def _declined(request):
    statement = request.getfixturevalue("signed")
    workflow.decline(
        recipient=statement.recipient,
        user=request.getfixturevalue("direktor"),
        reason="Berör inte nämnden.",
    )
    return Statement.objects.get(pk=statement.pk)


def _delegable(request):
    """Signed, on a remiss the sender marked "får besvaras på delegation", in a nämnd whose
    delegationsordning lets the förvaltningschef answer it."""
    statement = request.getfixturevalue("signed")
    remiss = statement.recipient.remiss
    remiss.delegable = True
    remiss.save()
    Delegation.objects.create(organisation=statement.recipient.organisation)
    return statement


STATEMENT_WORLDS = {
    "draft": lambda request: request.getfixturevalue("started"),
    "in_review": lambda request: workflow.submit(
        statement=request.getfixturevalue("started"),
        user=request.getfixturevalue("handlaggare"),
    ),
    "reviewing": lambda request: workflow.start_review(
        statement=workflow.submit(
            statement=request.getfixturevalue("started"),
            user=request.getfixturevalue("handlaggare"),
        ),
        user=request.getfixturevalue("direktor"),
    ),
    "ready": lambda request: request.getfixturevalue("signed"),
    "ready_delegable": _delegable,
    "on_agenda": lambda request: request.getfixturevalue("on_agenda").statement,
    "decided": lambda request: _decided(request, immediate=False),
    "delivered": lambda request: _decided(request, immediate=True),
    "declined": _declined,
}

MOVE_DATA = {
    "statement_submit": {"comment": ""},
    "statement_return": {"comment": "Skriv om sammanfattningen."},
    "statement_sign": {},
    "statement_withdraw": {},
    "statement_answer_on_delegation": {},
    "statement_withdraw_submission": {},
    "statement_start_review": {},
}
# Ledamöter, ersättare, the chair and justerare see a statement only on an issued agenda.
COUNCIL = {"ordforande", "justerare", "ledamot"}


def shown_forms(client: Client, url: str, *, hidden_ok: bool = False) -> set[str]:
    response = client.get(url)
    if hidden_ok and response.status_code == 404:
        return set()
    assert response.status_code == 200
    return {action or link for action, link in FORM_ACTION.findall(response.content.decode())}


def accepted(client: Client, url: str, data: dict, changed) -> bool:
    """POST in a savepoint that is rolled back: did the move go through?"""
    with transaction.atomic():
        response = client.post(url, data)
        went_through = response.status_code == 302 and changed()
        transaction.set_rollback(True)
    return went_through


@pytest.mark.parametrize("state", list(STATEMENT_WORLDS))
def test_the_statement_page_shows_exactly_the_moves_the_server_accepts(
    request, state, people, meeting
):
    statement = STATEMENT_WORLDS[state](request)

    def state_of() -> tuple:
        current = Statement.objects.get(pk=statement.pk)
        return (current.status, current.review_started_at)

    before = state_of()
    page = reverse("statement", args=[statement.pk])
    urls = {
        name: reverse(name, args=[statement.pk])
        for name in [*MOVE_URL_NAMES.values(), "statement_answer_on_delegation"]
    }
    seen_any = set()
    for role in ROLES:
        client = Client()
        client.force_login(people[role])
        forms = shown_forms(client, page, hidden_ok=role in COUNCIL)
        buttons = {name for name, url in urls.items() if url in forms}
        moves = {
            name
            for name, url in urls.items()
            if accepted(
                client,
                url,
                MOVE_DATA[name],
                lambda: state_of() != before,
            )
        }
        assert buttons == moves, f"{role} in {state}: shown {buttons}, accepted {moves}"
        seen_any |= moves
    expected = {
        "draft": {"statement_submit"},
        "in_review": {
            "statement_sign",
            "statement_return",
            "statement_start_review",
            "statement_withdraw_submission",
        },
        "reviewing": {"statement_sign", "statement_return"},
        "ready": {"statement_withdraw"},
        "ready_delegable": {"statement_withdraw", "statement_answer_on_delegation"},
    }.get(state, set())
    assert seen_any == expected


RECIPIENT_WORLDS = {
    "awaiting": lambda request: request.getfixturevalue("sodermalm_recipient"),
    "draft": lambda request: request.getfixturevalue("started").recipient,
    "on_agenda": lambda request: request.getfixturevalue("on_agenda").statement.recipient,
    "delivered": lambda request: _decided(request, immediate=True).recipient,
    "declined": lambda request: _declined(request).recipient,
}


def _recipient_steps(recipient: Recipient):
    """Each step's URL, its POST and how to tell it went through."""
    status = recipient.status
    return {
        "start": (
            reverse("statement_start", args=[recipient.pk]),
            {},
            lambda: Statement.objects.filter(recipient=recipient).exists(),
        ),
        "request_extension": (
            reverse("extension_request", args=[recipient.pk]),
            {"deadline": "2020-01-31", "reason": "Nämnden sammanträder i januari."},
            lambda: ExtensionRequest.objects.filter(recipient=recipient).exists(),
        ),
        "register": (
            reverse("recipient_register", args=[recipient.pk]),
            {"registration_number": "SÖD 2019/2000"},
            lambda: Recipient.objects.get(pk=recipient.pk).registration_number == "SÖD 2019/2000",
        ),
        "decline": (
            reverse("recipient_decline", args=[recipient.pk]),
            {"reason": "Berör inte nämnden."},
            lambda: Recipient.objects.get(pk=recipient.pk).status != status,
        ),
    }


@pytest.mark.parametrize("state", list(RECIPIENT_WORLDS))
def test_the_case_page_shows_exactly_the_steps_the_server_accepts(request, state, people, meeting):
    recipient = Recipient.objects.get(pk=RECIPIENT_WORLDS[state](request).pk)
    had_statement = Statement.objects.filter(recipient=recipient).exists()
    page = reverse("recipient", args=[recipient.pk])
    for role in ROLES:
        client = Client()
        client.force_login(people[role])
        forms = shown_forms(client, page)
        steps = _recipient_steps(recipient)
        buttons = {name for name, (url, _, _) in steps.items() if url in forms}
        moves = {
            name
            for name, (url, data, changed) in steps.items()
            if not (name == "start" and had_statement) and accepted(client, url, data, changed)
        }
        assert buttons == moves, f"{role} in {state}: shown {buttons}, accepted {moves}"
        assert buttons == workflow.recipient_moves(people[role], recipient)


def test_the_writers_decline_nothing_and_the_delegates_start_nothing(sodermalm_recipient, people):
    moves = {role: workflow.recipient_moves(people[role], sodermalm_recipient) for role in ROLES}

    assert moves["handlaggare"] == {"start", "request_extension", "register"}
    assert moves["direktor"] == {"start", "request_extension", "decline"}
    # Avstå is a delegated decision of the förvaltningschef, not the secretary's.
    assert moves["sekreterare"] == {"request_extension"}
    assert moves["ledamot"] == moves["ordforande"] == moves["justerare"] == set()
