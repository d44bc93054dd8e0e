"""Documents rendered once from justified data and kept unchanged (arkiverade handlingar), and the
mail waiting to go out (utgående e-post). Both are durable jobs: the row is written in the same
transaction as the decision that orders it, and a task on the queue does the work, retried with
backoff until it is done (remiss/tasks.py)."""

from django.db import models

from remiss.models.jobs import Job
from remiss.models.meetings import Decision


class StoredDocument(Job):
    """Arkiverad handling: a PDF rendered once when the decision was justified, stored with its
    SHA-256 and served from storage ever after. It is never rendered again from live data: a
    file whose checksum no longer matches is reported, not replaced."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Yttrande (protokollsutdrag, tjänsteutlåtande och bilagor)"
        STATEMENT = "statement", "Tjänsteutlåtande"
        EXTRACT = "extract", "Protokollsutdrag"

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="documents", verbose_name="beslut"
    )
    kind = models.CharField("handling", max_length=20, choices=Kind.choices)
    file = models.FileField("fil", upload_to="arkiv/%Y/%m/", blank=True, max_length=300)
    filename = models.CharField("filnamn vid nedladdning", max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveBigIntegerField("storlek (byte)", default=0)
    pdfa = models.BooleanField("PDF/A", default=False)
    rendered_at = models.DateTimeField("skapad", null=True, blank=True)

    class Meta:
        verbose_name = "arkiverad handling"
        verbose_name_plural = "arkiverade handlingar"
        ordering = ["decision", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "kind"], name="one_stored_document_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.filename or f"{self.get_kind_display()} ({self.decision})"


class OutgoingMail(Job):
    """Utgående e-post: one message, written in the transaction of the step it tells about and
    sent by a task after the commit, retried until the mail server takes it."""

    template = models.CharField("mall", max_length=60)
    to = models.JSONField("till", default=list)
    subject = models.CharField("ämne", max_length=300)
    body = models.TextField("text")
    sent_at = models.DateTimeField("skickat", null=True, blank=True)
    # An archived document sent with the message (the reply to a remittent outside the
    # municipality): the message waits, retried, until the document is rendered.
    attachment = models.ForeignKey(
        "remiss.StoredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bifogad handling",
    )

    class Meta:
        verbose_name = "utgående e-post"
        verbose_name_plural = "utgående e-post"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="mail_due_idx")]

    def __str__(self) -> str:
        return self.subject


class Preview(Job):
    """Förhandsvisning: a PDF of a document that is not final yet (a statement before
    justering, a protokollsutdrag or protokoll marked UTKAST, kommunstyrelsen's compilation of
    the replies), rendered by a durable job rather than in the request that asks for it.

    A row is one rendering of one object as it was: keyed by what it renders (`kind`,
    `object_id`) and the SHA-256 of the print HTML (`fingerprint`), which the job renders as
    it was ordered (`html`, emptied once done). An unchanged document is rendered once and
    served again; a changed one gets a new row. Older rows of the same object are deleted with
    their files (remiss/previews.py keeps a few), so they do not pile up."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", "Tjänsteutlåtande"
        EXTRACT = "extract", "Protokollsutdrag"
        MINUTES = "minutes", "Protokoll"
        COMPILATION = "compilation", "Sammanställning"

    # What is being made into a PDF, in the definite form a sentence needs.
    DEFINITE: dict[str, str] = {
        Kind.STATEMENT: "tjänsteutlåtandet",
        Kind.EXTRACT: "protokollsutdraget",
        Kind.MINUTES: "protokollet",
        Kind.COMPILATION: "sammanställningen",
    }

    kind = models.CharField("handling", max_length=20, choices=Kind.choices)
    # The statement's, the decision's, the meeting's or the remiss' id, after `kind`.
    object_id = models.PositiveBigIntegerField("objekt")
    fingerprint = models.CharField("SHA-256 av underlaget", max_length=64)
    html = models.TextField("underlag (HTML)", blank=True)
    file = models.FileField("fil", upload_to="forhandsvisningar/%Y/%m/", blank=True, max_length=300)
    filename = models.CharField("filnamn vid nedladdning", max_length=255)
    size = models.PositiveBigIntegerField("storlek (byte)", default=0)
    rendered_at = models.DateTimeField("skapad", null=True, blank=True)

    class Meta:
        verbose_name = "förhandsvisning"
        verbose_name_plural = "förhandsvisningar"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "fingerprint"], name="one_preview_per_rendering"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "object_id", "created_at"], name="preview_object_idx")
        ]

    def __str__(self) -> str:
        return self.filename or f"{self.get_kind_display()} {self.object_id}"

    @property
    def definite(self) -> str:
        """ "tjänsteutlåtandet", "protokollet" …: what the waiting page says is being made."""
        return self.DEFINITE.get(self.kind, "handlingen")
