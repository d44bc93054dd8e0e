"""The integration API for the diarium (issue 18): tokens scoped to one organisation, the
served OpenAPI document, the diarium's registration numbers, archived files with checksums,
rate limits, and webhooks signed with HMAC and retried."""

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from openapi_spec_validator import validate as validate_openapi

from remiss import workflow
from remiss.api import webhooks
from remiss.api.models import ApiClient, WebhookDelivery, WebhookSubscription
from remiss.models import Recipient, StoredDocument
from tests.justifying import justify_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def token_for(organisation, name="Diariet") -> str:
    client = ApiClient(name=name, organisation=organisation)
    token = client.new_token()
    client.save()
    return token


def api(token: str | None) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"} if token else {})


@pytest.fixture
def ks_token(ks):
    return token_for(ks)


@pytest.fixture
def sodermalm_token(sodermalm):
    return token_for(sodermalm)


@pytest.fixture
def kungsholmen_token(kungsholmen):
    return token_for(kungsholmen)


# --- OpenAPI and authentication --------------------------------------------------------------


def test_the_openapi_schema_is_served_at_a_stable_url_and_is_valid(remiss):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate_openapi(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/remisser/{pk}/diarienummer" in schema["paths"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_without_a_valid_token_the_api_answers_401_in_swedish(remiss):
    for token in [None, "rp_fel", "inte-ett-token"]:
        response = api(token).get("/api/v1/remisser")
        assert response.status_code == 401
        assert "giltigt token" in response.json()["detail"]


def test_a_deactivated_client_is_refused(ks, remiss):
    token = token_for(ks)
    ApiClient.objects.update(active=False)
    assert api(token).get("/api/v1/remisser").status_code == 401


def test_only_the_hash_of_a_token_is_stored(ks):
    token = token_for(ks)
    stored = ApiClient.objects.get()
    assert token not in (stored.token_hash, stored.token_hint)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()


# --- Scope: one organisation -----------------------------------------------------------------


def test_the_sender_lists_its_remiss_with_every_recipients_stage(ks_token, remiss, started):
    [listed] = api(ks_token).get("/api/v1/remisser").json()
    assert listed["registration_number"] == "KS 2019/1543" and listed["role"] == "sender"
    stages = {r["organisation"]: r["stage"] for r in listed["recipients"]}
    assert stages == {
        "Södermalms stadsdelsnämnd": "drafting",
        "Kungsholmens stadsdelsnämnd": "not_started",
    }


def test_a_recipient_sees_only_its_own_case_in_the_remiss(sodermalm_token, remiss):
    [listed] = api(sodermalm_token).get("/api/v1/remisser").json()
    assert listed["role"] == "recipient"
    assert [r["organisation"] for r in listed["recipients"]] == ["Södermalms stadsdelsnämnd"]


def test_another_organisations_remiss_is_404(remiss, unsent, kungsholmen):
    from tests.conftest import make_organisation

    outsider = token_for(make_organisation("Skarpnäcks stadsdelsnämnd"))
    assert api(outsider).get("/api/v1/remisser").json() == []
    for url in [
        f"/api/v1/remisser/{remiss.pk}",
        f"/api/v1/remisser/{remiss.pk}/svar",
        f"/api/v1/remisser/{unsent.pk}",
    ]:
        assert api(outsider).get(url).status_code == 404
    # A recipient does not see a remiss before it is sent.
    assert (
        api(token_for(unsent.recipients.get().organisation, "SÖD"))
        .get(f"/api/v1/remisser/{unsent.pk}")
        .status_code
        == 404
    )


def test_another_recipients_reply_and_files_are_404(archived, kungsholmen_token):
    recipient = archived.item.statement.recipient
    assert api(kungsholmen_token).get(f"/api/v1/svar/{recipient.pk}").status_code == 404
    for document in StoredDocument.objects.all():
        assert api(kungsholmen_token).get(f"/api/v1/handlingar/{document.pk}").status_code == 404
    assert api(kungsholmen_token).get(f"/api/v1/remisser/{recipient.remiss_id}/svar").json() == []


def test_a_reply_not_yet_delivered_is_404_even_for_the_sender(ks_token, started):
    assert api(ks_token).get(f"/api/v1/svar/{started.recipient_id}").status_code == 404


# --- Replies and files -----------------------------------------------------------------------


def test_the_sender_fetches_the_delivered_reply_and_its_files_with_checksums(archived, ks_token):
    recipient = archived.item.statement.recipient
    [reply] = api(ks_token).get(f"/api/v1/remisser/{recipient.remiss_id}/svar").json()
    assert reply["recipient"]["status"] == "delivered"
    assert reply["paragraph"] == archived.item.number
    assert {f["kind"] for f in reply["files"]} == {"reply", "statement", "extract"}
    for described in reply["files"]:
        response = api(ks_token).get(described["url"].removeprefix("http://testserver"))
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == described["sha256"]
        assert response["X-Checksum-SHA256"] == described["sha256"]
        stored = StoredDocument.objects.get(pk=described["id"])
        with stored.file.open("rb") as handle:
            assert body == handle.read()


def test_a_tampered_file_is_refused_not_served(archived, ks_token):
    document = StoredDocument.objects.filter(decision=archived).first()
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    response = api(ks_token).get(f"/api/v1/handlingar/{document.pk}")
    assert response.status_code == 500
    assert "kan inte lämnas ut" in response.json()["detail"]


# --- The diarium's writes --------------------------------------------------------------------


def test_the_recipients_diarium_registers_its_number_on_the_remiss(
    sodermalm_token, sodermalm_recipient
):
    response = api(sodermalm_token).put(
        f"/api/v1/remisser/{sodermalm_recipient.remiss_id}/diarienummer",
        data=json.dumps({"registration_number": " SÖD 2019/2000 "}),
        content_type="application/json",
    )
    assert response.status_code == 200
    sodermalm_recipient.refresh_from_db()
    assert sodermalm_recipient.registration_number == "SÖD 2019/2000"
    latest = sodermalm_recipient.history.first()
    assert latest.history_change_reason == "Diarienummer från diariet (API)"


def test_a_registration_number_already_taken_is_a_conflict_and_changes_nothing(
    sodermalm_token, sodermalm_recipient, unsent
):
    other = unsent.recipients.get()
    other.registration_number = "SÖD 2020/1"
    other.save()
    response = api(sodermalm_token).put(
        f"/api/v1/remisser/{sodermalm_recipient.remiss_id}/diarienummer",
        data=json.dumps({"registration_number": "SÖD 2020/1"}),
        content_type="application/json",
    )
    assert response.status_code == 409
    sodermalm_recipient.refresh_from_db()
    assert sodermalm_recipient.registration_number == "SÖD 2019/1102"


def test_the_sender_cannot_register_a_recipients_number(ks_token, remiss):
    response = api(ks_token).put(
        f"/api/v1/remisser/{remiss.pk}/diarienummer",
        data=json.dumps({"registration_number": "KS 1"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert set(remiss.recipients.values_list("registration_number", flat=True)) == {
        "SÖD 2019/1102",
        "",
    }


def test_the_senders_diarium_registers_the_incoming_reply(archived, ks_token, sodermalm_token):
    recipient = archived.item.statement.recipient
    body = json.dumps({"registration_number": "KS 2019/1543-12"})
    refused = api(sodermalm_token).put(
        f"/api/v1/svar/{recipient.pk}/diarienummer", data=body, content_type="application/json"
    )
    assert refused.status_code == 403
    response = api(ks_token).put(
        f"/api/v1/svar/{recipient.pk}/diarienummer", data=body, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["reply_registration_number"] == "KS 2019/1543-12"
    recipient.refresh_from_db()
    assert recipient.reply_registration_number == "KS 2019/1543-12"


def test_an_empty_registration_number_is_refused(sodermalm_token, sodermalm_recipient):
    response = api(sodermalm_token).put(
        f"/api/v1/remisser/{sodermalm_recipient.remiss_id}/diarienummer",
        data=json.dumps({"registration_number": ""}),
        content_type="application/json",
    )
    assert response.status_code == 422
    sodermalm_recipient.refresh_from_db()
    assert sodermalm_recipient.registration_number == "SÖD 2019/1102"


def test_the_integration_api_refuses_a_token_past_its_rate_limit(settings, ks_token, remiss):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    answers = [api(ks_token).get("/api/v1/remisser").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert int(api(ks_token).get("/api/v1/remisser")["Retry-After"]) >= 1


# --- Webhooks --------------------------------------------------------------------------------


class Receiver:
    """A webhook receiver on loopback that checks the signature as a real one would: 204 for a
    good one, 401 for a bad one."""

    def __init__(self, secret: str):
        self.secret = secret
        self.received: list[tuple[dict, dict]] = []
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                header = self.headers.get(webhooks.SIGNATURE_HEADER, "")
                if webhooks.verify(receiver.secret, header, body):
                    receiver.received.append((dict(self.headers), json.loads(body)))
                    self.send_response(204)
                else:
                    receiver.refused += 1
                    self.send_response(401)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def allow_http(settings):
    settings.WEBHOOK_ALLOW_HTTP = True


def subscribe(token: str, url: str, events=()) -> dict:
    response = api(token).post(
        "/api/v1/webhooks",
        data=json.dumps({"url": url, "events": list(events)}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def deliver_reply(on_agenda, sekreterare):
    """Adopted with immediate justification: the reply is delivered at once."""
    return justify_at_once(
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
        )
    )


def test_a_webhook_receives_a_signed_event_when_a_reply_is_delivered(
    allow_http, run_tasks, ks_token, on_agenda, sekreterare, django_capture_on_commit_callbacks
):
    with Receiver(secret="") as receiver:
        created = subscribe(ks_token, receiver.url, ["reply.delivered"])
        receiver.secret = created["secret"]
        with django_capture_on_commit_callbacks(execute=True):
            deliver_reply(on_agenda, sekreterare)
    [(headers, payload)] = receiver.received
    assert headers[webhooks.EVENT_HEADER] == "reply.delivered"
    assert payload["event"] == "reply.delivered"
    assert payload["data"]["registration_number"] == "KS 2019/1543"
    assert payload["data"]["recipient"] == on_agenda.statement.recipient_id
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.DELIVERED and delivery.attempts == 1
    assert delivery.last_status == 204


def test_a_receiver_refuses_a_wrong_signature_and_the_delivery_is_retried(
    allow_http, run_tasks, ks_token, on_agenda, sekreterare, django_capture_on_commit_callbacks
):
    with Receiver(secret="inte-den-rätta-hemligheten") as receiver:
        subscribe(ks_token, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            deliver_reply(on_agenda, sekreterare)
        assert receiver.received == [] and receiver.refused == 1
        delivery = WebhookDelivery.objects.get()
        assert delivery.state == WebhookDelivery.State.PENDING
        assert delivery.last_status == 401 and delivery.attempts == 1
        assert delivery.next_attempt_at > delivery.created_at  # waits before the next try

        # The receiver learns the right secret; the retry (cron's send_webhooks) gets through.
        receiver.secret = delivery.subscription.secret
        WebhookDelivery.objects.update(next_attempt_at=delivery.created_at)
        call_command("send_webhooks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.DELIVERED and delivery.attempts == 2
    assert len(receiver.received) == 1


def test_a_delivery_gives_up_after_its_attempts_and_says_so(allow_http, ks, remiss):
    client = ApiClient(name="Diariet", organisation=ks)
    client.new_token()
    client.save()
    subscription = WebhookSubscription.objects.create(
        client=client, url="http://127.0.0.1:9/ingen", secret="s"
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event="reply.delivered", payload={"event": "reply.delivered"}
    )
    for _ in range(webhooks.MAX_ATTEMPTS):
        WebhookDelivery.objects.update(next_attempt_at=delivery.created_at)
        webhooks.deliver_due()
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.FAILED
    assert delivery.attempts == webhooks.MAX_ATTEMPTS and delivery.last_error


def test_an_event_goes_only_to_the_organisations_concerned(
    allow_http, ks_token, kungsholmen_token, sodermalm_token, on_agenda, sekreterare
):
    subscribe(ks_token, "http://127.0.0.1:9/ks")
    subscribe(kungsholmen_token, "http://127.0.0.1:9/kungsholmen")
    subscribe(sodermalm_token, "http://127.0.0.1:9/sodermalm", ["recipient.declined"])
    deliver_reply(on_agenda, sekreterare)  # the dummy task backend sends nothing
    assert list(WebhookDelivery.objects.values_list("subscription__url", flat=True)) == [
        "http://127.0.0.1:9/ks"
    ]


def test_an_event_rolled_back_with_its_change_is_never_sent(allow_http, ks_token, remiss):
    from django.db import transaction

    subscribe(ks_token, "http://127.0.0.1:9/ks")
    recipient = remiss.recipients.first()
    with transaction.atomic():
        webhooks.reply_delivered(recipient)
        transaction.set_rollback(True)
    assert WebhookDelivery.objects.count() == 0


def test_a_webhook_must_use_https_in_production(ks_token, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    response = api(ks_token).post(
        "/api/v1/webhooks",
        data=json.dumps({"url": "http://diariet.example.org/hook"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert WebhookSubscription.objects.count() == 0


def test_a_client_lists_and_deletes_only_its_own_webhooks(allow_http, ks_token, kungsholmen_token):
    own = subscribe(ks_token, "https://diariet.example.org/hook")
    assert [w["id"] for w in api(ks_token).get("/api/v1/webhooks").json()] == [own["id"]]
    assert "secret" not in api(ks_token).get("/api/v1/webhooks").json()[0]
    assert api(kungsholmen_token).delete(f"/api/v1/webhooks/{own['id']}").status_code == 404
    assert api(ks_token).delete(f"/api/v1/webhooks/{own['id']}").status_code == 204
    assert WebhookSubscription.objects.count() == 0


def test_signatures_expire_and_depend_on_every_byte():
    header = webhooks.sign("hemlig", 1_000_000, b'{"a": 1}')
    assert webhooks.verify("hemlig", header, b'{"a": 1}', now=1_000_010)
    assert not webhooks.verify("hemlig", header, b'{"a": 2}', now=1_000_010)
    assert not webhooks.verify("annan", header, b'{"a": 1}', now=1_000_010)
    assert not webhooks.verify("hemlig", header, b'{"a": 1}', now=1_000_000 + 3600)
    assert not webhooks.verify("hemlig", "skräp", b'{"a": 1}')


def test_the_recipient_is_delivered_before_the_webhook_is_recorded(
    allow_http, ks_token, on_agenda, sekreterare
):
    subscribe(ks_token, "http://127.0.0.1:9/ks")
    deliver_reply(on_agenda, sekreterare)
    delivery = WebhookDelivery.objects.get()
    recipient = Recipient.objects.get(pk=delivery.payload["data"]["recipient"])
    assert recipient.status == Recipient.Status.DELIVERED
    assert delivery.payload["data"]["status"] == "delivered"
