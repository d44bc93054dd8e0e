"""The OParl 1.1 API: every object passes the OParl JSON schemas, every object is reached from
System by links alone and leads back to it, lists page and filter as the standard says, and the
API shows exactly what the public pages show (issue 18)."""

import json
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from remiss.models import Recipient, StoredDocument
from tests.open_data import DRAFT_SECRET

pytestmark = pytest.mark.django_db

SCHEMAS = {
    path.stem: json.loads(path.read_text())
    for path in (Path(__file__).parent / "oparl_schema").glob("*.json")
}
SYSTEM = "/oparl/v1/"


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """The walks below ask hundreds of times; the limit itself has its own test."""
    cache.clear()
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000


def get(url: str, client: Client | None = None):
    """GET an OParl URL (absolute, as the API writes them, or a path)."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return (client or Client()).get(path)


def get_json(url: str) -> dict:
    response = get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def is_url(value) -> bool:
    return isinstance(value, str) and value.startswith(settings.SITE_URL + "/oparl/")


def check_url_format(value) -> bool:
    return isinstance(value, str) and urlsplit(value).scheme in ("http", "https")


FORMATS = jsonschema.FormatChecker()
FORMATS.checks("url")(check_url_format)


def validate(obj: dict) -> None:
    """Against the OParl schema of its type, following OParl's own "schema" keyword into
    embedded objects (jsonschema itself does not know it)."""
    name = obj["type"].rsplit("/", 1)[1]
    schema = SCHEMAS[name]
    jsonschema.validate(obj, schema, format_checker=FORMATS)
    for key, value in obj.items():
        spec = schema["properties"].get(key, {})
        if spec.get("schema") and isinstance(value, dict):
            validate(value)
        if spec.get("type") == "array" and spec.get("items", {}).get("schema"):
            for item in value:
                validate(item)
        assert value not in (None, "", []) or key == "legislativeTerm", f"empty {key} in {name}"


def links_of(obj) -> list[str]:
    """Every OParl URL in an object, embedded objects included."""
    found = []
    if isinstance(obj, dict):
        for value in obj.values():
            found += links_of(value)
    elif isinstance(obj, list):
        for value in obj:
            found += links_of(value)
    elif is_url(obj):
        found.append(obj)
    return found


def walk() -> dict[str, dict]:
    """Breadth-first from System by links only: every object served, by id. A list is read
    page by page through its `next` links."""
    objects: dict[str, dict] = {}
    seen: set[str] = set()
    queue = deque([settings.SITE_URL + SYSTEM])
    while queue:
        url = queue.popleft()
        if url in seen or "/innehall/" in url:
            continue
        seen.add(url)
        data = get_json(url)
        if "data" in data:  # a list page
            assert set(data) == {"data", "pagination", "links"}
            items = data["data"]
            if "next" in data["links"]:
                queue.append(data["links"]["next"])
        else:
            items = [data]
        for item in items:
            validate(item)
            stack = [item]
            while stack:  # embedded objects are objects too
                current = stack.pop()
                objects[current["id"]] = current
                for value in current.values():
                    if isinstance(value, dict) and "type" in value:
                        stack.append(value)
                    if isinstance(value, list):
                        stack += [v for v in value if isinstance(v, dict) and "type" in v]
            queue.extend(link for link in links_of(item) if link not in seen)
    return objects


def test_every_object_reached_from_system_passes_the_oparl_schema_and_leads_back(
    archived, kungsholmen_draft, unsent, ledamot
):
    objects = walk()
    types = {obj["type"].rsplit("/", 1)[1] for obj in objects.values()}
    assert types == {
        "System",
        "Body",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Paper",
        "Consultation",
        "File",
    }
    papers = {o["paperType"] for o in objects.values() if o["type"].endswith("/Paper")}
    assert papers == {"Remiss", "Yttrande", "Tjänsteutlåtande"}
    files = [o for o in objects.values() if o["type"].endswith("/File")]
    assert len(files) == 3  # reply, statement and extract: all of Södermalm's archived PDFs

    # Every object served at its own id is the object embedded elsewhere.
    for obj_id in objects:
        assert get_json(obj_id)["id"] == obj_id

    # And back: from each object, links alone lead to System.
    system = settings.SITE_URL + SYSTEM
    for obj_id in objects:
        reached, queue = set(), deque([obj_id])
        while queue and system not in reached:
            url = queue.popleft()
            if url in reached or "/innehall/" in url:
                continue
            reached.add(url)
            data = get_json(url)
            if "data" not in data:
                queue.extend(links_of(data))
        assert system in reached, f"{obj_id} does not lead back to System"


def test_the_public_api_shows_what_the_public_pages_show_and_nothing_else(
    archived, kungsholmen_draft, unsent, ledamot, sodermalm_recipient
):
    objects = walk()
    everything = json.dumps(objects, ensure_ascii=False)
    # No draft: Kungsholmen's text never appears, and it has no reply or statement paper.
    assert DRAFT_SECRET not in everything
    kungsholmen = kungsholmen_draft.recipient
    assert get(reverse("oparl:paper_reply", kwargs={"pk": kungsholmen.pk})).status_code == 404
    assert (
        get(reverse("oparl:paper_statement", kwargs={"pk": kungsholmen_draft.pk})).status_code
        == 404
    )
    # The remiss not yet sent: not listed, and 404 at its address, as on the public pages.
    assert unsent.title not in everything
    assert get(reverse("oparl:paper_remiss", kwargs={"pk": unsent.pk})).status_code == 404
    assert Client().get(reverse("public_remiss", args=[unsent.pk])).status_code == 404
    # Each recipient: a reply paper exactly when the public reply page exists.
    for recipient in Recipient.objects.all():
        page = Client().get(reverse("public_reply", args=[recipient.remiss_id, recipient.pk]))
        paper = get(reverse("oparl:paper_reply", kwargs={"pk": recipient.pk}))
        assert page.status_code == paper.status_code, recipient
    # Each archived document: a File exactly when the public page serves it.
    for document in StoredDocument.objects.all():
        page = Client().get(reverse("public_document", args=[document.pk]))
        file = get(reverse("oparl:file", kwargs={"pk": document.pk}))
        assert page.status_code == file.status_code == 200
    # Officials are not published as Persons: only the elected members.
    names = {o.get("name") for o in objects.values() if o["type"].endswith("/Person")}
    assert "Sara Lind" in names and "Per Holm" in names
    assert "Eva-Lena Eirefelt" not in names  # the handläggare
    assert "@example.org" not in everything  # no e-mail addresses


def test_a_decision_not_yet_justified_is_not_public(on_agenda, sekreterare, media):
    from remiss import workflow

    workflow.record_decision(
        item=on_agenda,
        user=sekreterare,
        record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=False),
    )
    assert get_json("/oparl/v1/body/1/meeting/")["data"] == []
    assert get_json("/oparl/v1/body/1/agendaItem/")["data"] == []
    assert get(reverse("oparl:agendaitem", kwargs={"pk": on_agenda.pk})).status_code == 404
    reply_papers = [
        p for p in get_json("/oparl/v1/body/1/paper/")["data"] if p["paperType"] != "Remiss"
    ]
    assert reply_papers == []


def test_a_list_pages_through_next_links_keeping_its_filters(archived, kungsholmen_draft):
    first = get_json(
        "/oparl/v1/body/1/consultation/?limit=1&modified_since=2000-01-01T00:00:00%2B01:00"
    )
    assert first["pagination"] == {
        "totalElements": 2,
        "elementsPerPage": 1,
        "currentPage": 1,
        "totalPages": 2,
    }
    assert "modified_since=" in first["links"]["next"] and "limit=1" in first["links"]["next"]
    second = get_json(first["links"]["next"])
    assert "next" not in second["links"]
    assert {first["data"][0]["id"], second["data"][0]["id"]} == {
        settings.SITE_URL + reverse("oparl:consultation", kwargs={"pk": r.pk})
        for r in Recipient.objects.all()
    }


def test_modified_since_leaves_out_what_has_not_changed_since(archived):
    future = get_json("/oparl/v1/body/1/paper/?modified_since=2999-01-01T00:00:00%2B01:00")
    assert future["data"] == [] and future["pagination"]["totalElements"] == 0
    past = get_json("/oparl/v1/body/1/paper/?modified_since=2000-01-01T00:00:00+01:00")
    assert len(past["data"]) == 3  # the remiss, the reply and the statement


def test_a_filter_it_cannot_read_is_a_bad_request_in_swedish(archived):
    response = get("/oparl/v1/body/1/paper/?modified_since=i-går")
    assert response.status_code == 400
    assert "ange en tidpunkt med tidszon" in response.json()["error"]


def test_the_access_url_serves_the_archived_pdf_inline_byte_for_byte(archived):
    document = StoredDocument.objects.get(decision=archived, kind=StoredDocument.Kind.REPLY)
    file = get_json(reverse("oparl:file", kwargs={"pk": document.pk}))
    response = get(file["accessUrl"])
    assert response.status_code == 200
    assert "attachment" not in response.get("Content-Disposition", "")
    body = b"".join(response.streaming_content)
    with document.file.open("rb") as handle:
        assert body == handle.read()
    assert file["remissportalen:sha256Checksum"] == document.sha256
    download = get(file["downloadUrl"])
    assert download["Content-Disposition"].startswith("attachment")
    b"".join(download.streaming_content)


def test_the_oparl_api_refuses_a_client_past_its_rate_limit(settings, remiss):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    answers = [get(SYSTEM).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    response = get(SYSTEM)
    assert int(response["Retry-After"]) >= 1
    assert "För många anrop" in response.json()["error"]


def test_the_oparl_api_only_reads(remiss):
    response = Client().post(SYSTEM)
    assert response.status_code == 405
