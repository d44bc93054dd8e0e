"""Comparing versions: every change marked, and the work bounded whatever the texts are."""

import time

import pytest
from django.urls import reverse

from remiss import compare, drafting
from remiss.demo.statement_text import FIXTURE

# CPU time of this process, so that other work on the machine does not count. The old
# comparison took 5.6 s for the 26 kB pair and more than 30 s for the 2.8 kB one; the bound is
# generous so that a slow machine never fails it, and still far below either.
GENEROUS_SECONDS = 1.0


def twenty_six_kb_statement() -> tuple[str, str]:
    """A 26 kB text and a revision of it with a word changed in every fifth line."""
    text = FIXTURE.read_text(encoding="utf-8")
    lines = (text * 3).splitlines(keepends=True)
    revised = [
        line.replace(" och ", " samt ", 1) if number % 5 == 0 else line
        for number, line in enumerate(lines)
    ]
    return "".join(lines), "".join(revised)


def cpu_seconds(function, *args) -> float:
    started = time.process_time()
    function(*args)
    return time.process_time() - started


def test_two_26_kb_versions_compare_in_well_under_a_second():
    old, new = twenty_six_kb_statement()
    assert len(old.encode()) > 26_000

    assert cpu_seconds(compare._mark, old, new) < GENEROUS_SECONDS


def test_a_short_text_repeating_one_word_no_longer_ties_up_the_server():
    # 2.8 kB each: difflib's SequenceMatcher needed minutes for this pair.
    old, new = "a " * 1400, "b " * 1400

    assert cpu_seconds(compare._mark, old, new) < GENEROUS_SECONDS


def test_only_the_changed_words_are_marked_within_a_changed_line():
    old, new, coarse = compare._mark(
        "Förvaltningen tillstyrker förslaget.\nRad två.\n",
        "Förvaltningen avstyrker förslaget.\nRad två.\nEn ny rad.",
    )

    assert old == (
        'Förvaltningen <del><span class="visually-hidden">Borttaget: </span>tillstyrker</del> '
        "förslaget.\nRad två.\n"
    )
    assert new == (
        'Förvaltningen <ins><span class="visually-hidden">Tillagt: </span>avstyrker</ins> '
        "förslaget.\nRad två.\n"
        '<ins><span class="visually-hidden">Tillagt: </span>En ny rad.</ins>'
    )
    assert coarse is False


def test_a_change_too_large_to_mark_word_by_word_is_shown_whole_and_said_so(monkeypatch):
    monkeypatch.setattr(compare, "MAX_CELLS", 100)
    old, new, coarse = compare._mark("ett två tre fyra fem sex sju åtta", "nio tio elva tolv")

    assert coarse is True
    assert "Borttaget: </span>ett två tre fyra fem sex sju åtta</del>" in old
    assert "Tillagt: </span>nio tio elva tolv</ins>" in new


def test_what_the_user_wrote_is_never_read_as_html():
    old, new, _ = compare._mark("<script>x</script> a", "<script>y</script> a")

    assert "<script>" not in old + new
    assert "&lt;script&gt;" in old


@pytest.mark.django_db
def test_the_compare_page_says_when_a_part_was_too_large_to_mark_word_by_word(
    client, started, handlaggare, monkeypatch
):
    for summary in ("gammalt " * 50, "nytt " * 50):
        snap = drafting.snapshot(started)
        snap["sections"]["summary"] = summary
        started = drafting.save_statement(
            statement=started,
            user=handlaggare,
            base_version=started.version,
            text=drafting.text_from_snapshot(snap),
        )
    monkeypatch.setattr(compare, "MAX_CELLS", 10)
    client.force_login(handlaggare)

    response = client.get(reverse("statement_compare", args=[started.pk]), {"fran": 2, "till": 3})

    assert response.status_code == 200
    assert compare.COARSE_MESSAGE in response.content.decode()
