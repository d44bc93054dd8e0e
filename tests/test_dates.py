"""Dates outside 1900–2100 are refused in every form, and never break a page where they are
already stored (a meeting typed as year 1026, a deadline in 2101)."""

import datetime

import pytest
from django import forms as django_forms
from django.urls import reverse

from remiss import deadlines
from remiss.forms import dates, importing, meetings, sending, statements
from remiss.models import ExtensionRequest, Meeting

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Ange ett datum mellan 1900 och 2100"


def every_form_class():
    for module in (statements, meetings, sending, importing):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, django_forms.BaseForm):
                yield value


def test_every_date_in_every_form_is_the_one_shared_date_field():
    date_fields = {
        f"{form.__name__}.{name}": type(field)
        for form in every_form_class()
        for name, field in form.base_fields.items()
        if isinstance(field, django_forms.DateField)
    }

    assert len(date_fields) >= 6  # statement, step, meeting, remiss, extension, import review
    assert set(date_fields.values()) == {dates.DateField}, date_fields


@pytest.mark.parametrize("typed", ["1026-12-12", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_outside_1900_to_2100_is_refused_with_a_swedish_message(typed):
    field = dates.DateField()

    with pytest.raises(django_forms.ValidationError) as refused:
        field.clean(typed)

    assert refused.value.messages == [f"{OUT_OF_RANGE} (du skrev {typed})."]


@pytest.mark.parametrize("typed", ["1900-01-01", "2100-12-31"])
def test_the_first_and_last_day_of_the_range_are_accepted(typed):
    assert dates.DateField().clean(typed) == datetime.date.fromisoformat(typed)


def test_a_meeting_typed_as_year_1026_is_refused(client, sekreterare, ordforande, justerare):
    client.force_login(sekreterare)

    response = client.post(
        reverse("meeting_create"),
        {
            "date": "1026-12-12",
            "starts_at": "18:00",
            "place": "Medborgarplatsen",
            "chair": ordforande.pk,
            "justifiers": [justerare.pk],
        },
    )

    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    assert Meeting.objects.count() == 0


def test_an_extension_to_2101_is_refused(client, sodermalm_recipient, handlaggare):
    client.force_login(handlaggare)

    response = client.post(
        reverse("extension_request", args=[sodermalm_recipient.pk]),
        {"deadline": "2101-01-14", "reason": "Nämnden sammanträder inte förrän då."},
        follow=True,
    )

    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    assert ExtensionRequest.objects.count() == 0


def test_a_remiss_with_a_deadline_in_2101_is_refused(ks, sodermalm):
    form = sending.SendRemissForm(
        {
            "registration_number": "KS 2019/1",
            "title": "Remiss",
            "deadline": "2101-01-14",
            "recipients": [sodermalm.pk],
        },
        sender=ks,
    )

    assert not form.is_valid()
    assert form.errors["deadline"] == [f"{OUT_OF_RANGE} (du skrev 2101-01-14)."]


def test_a_stored_meeting_in_year_1026_does_not_break_the_meetings_list(
    client, meeting, sekreterare
):
    Meeting.objects.create(
        organisation=meeting.organisation,
        date=datetime.date(1026, 12, 12),
        place="Södermalmsrummet",
        chair=meeting.chair,
        secretary=sekreterare,
    )
    client.force_login(sekreterare)

    response = client.get(reverse("meetings"))

    assert response.status_code == 200
    assert "1026" in response.content.decode()


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(1026, 12, 12),
        datetime.date(2101, 6, 20),
        datetime.date(9999, 12, 31),
        datetime.date(1, 1, 1),
    ],
)
def test_the_deadline_rules_answer_for_any_date_the_database_can_hold(day):
    limit = deadlines.last_day_to_justify(day)

    assert deadlines.appeal_ends(day) >= day
    assert deadlines.moved_deadline(day)[0] >= day
    assert limit <= deadlines.justification_limit(day)
    assert deadlines.notice_deadline(day) >= day
