"""The Django admin for the remiss domain, in Swedish, with history and read-only statuses.

Statuses change only through the workflow, so the admin shows them but never edits them.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from remiss import documents, minutes, notifications, previews
from remiss.models import (
    AgendaIssue,
    AgendaItem,
    Attachment,
    Decision,
    DelegatedDecision,
    Delegation,
    ExtensionRequest,
    FocusAreaView,
    JustificationSignature,
    Meeting,
    Membership,
    Notice,
    Organisation,
    OutgoingMail,
    PreparationStep,
    Preview,
    ReceivedReply,
    Recipient,
    Reminder,
    Remiss,
    ReplyLink,
    Statement,
    StatusEvent,
    StoredDocument,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "administration", "registry_prefix", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "administration", "registry_prefix"]
    autocomplete_fields = ["successor"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "title"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


class RecipientInline(admin.TabularInline):
    """Once the remiss is sent, recipients and deadlines change only through the portal's
    recorded actions (extensions, declining); here they are shown, not edited."""

    model = Recipient
    extra = 0
    fields = ["organisation", "registration_number", "status", "extended_deadline"]
    readonly_fields = ["status", "extended_deadline"]
    autocomplete_fields = ["organisation"]

    def has_add_permission(self, request, obj=None):
        return (obj is None or obj.sent_on is None) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.sent_on is None) and super().has_delete_permission(request, obj)


class RemissAttachmentInline(admin.TabularInline):
    model = Attachment
    fk_name = "remiss"
    extra = 0
    fields = ["position", "title", "file", "content_type", "size", "sha256"]
    readonly_fields = ["content_type", "size", "sha256"]


@admin.register(Remiss)
class RemissAdmin(SimpleHistoryAdmin):
    list_display = ["registration_number", "title", "sender", "sent_on", "deadline"]
    list_filter = ["sender"]
    search_fields = ["registration_number", "title"]
    date_hierarchy = "deadline"
    autocomplete_fields = ["sender", "programme"]
    inlines = [RecipientInline, RemissAttachmentInline]

    def get_readonly_fields(self, request, obj=None):
        # Withdrawing and closing are the coordinator's recorded actions, never edits here.
        state = ["withdrawn_on", "withdrawn_reason", "closed_on", "forwarded_from"]
        if obj is not None and obj.sent_on is not None:
            return ["sender", "registration_number", "sent_on", "deadline", *state]
        return state


@admin.register(Recipient)
class RecipientAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "remiss", "registration_number", "status", "extended_deadline"]
    list_filter = ["status", "organisation"]
    search_fields = ["registration_number", "remiss__registration_number", "organisation__name"]
    readonly_fields = ["status", "extended_deadline", "delivered_at", "declined_reason"]
    autocomplete_fields = ["remiss", "organisation"]
    list_select_related = ["organisation", "remiss"]


class FrozenWithStatementMixin:
    """Once the statement is signed its parts are read-only here too (the database refuses
    changes anyway; this says so before anyone tries)."""

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class PreparationStepInline(FrozenWithStatementMixin, admin.TabularInline):
    model = PreparationStep
    extra = 0


class FocusAreaViewInline(FrozenWithStatementMixin, admin.StackedInline):
    model = FocusAreaView
    extra = 0


class StatementAttachmentInline(FrozenWithStatementMixin, admin.TabularInline):
    model = Attachment
    fk_name = "statement"
    extra = 0
    fields = ["position", "title", "file", "content_type", "size", "sha256"]
    readonly_fields = ["content_type", "size", "sha256"]


@admin.register(Statement)
class StatementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "recipient", "case_officer", "date", "status"]
    list_filter = ["status"]
    search_fields = ["title", "recipient__registration_number", "recipient__organisation__name"]
    readonly_fields = [
        "status",
        "version",
        "signer_name",
        "signer_title",
        "signed_by",
        "signed_at",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["recipient", "case_officer"]
    list_select_related = ["recipient__organisation", "case_officer"]
    inlines = [PreparationStepInline, FocusAreaViewInline, StatementAttachmentInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return [field.name for field in obj._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # statements are never deleted: the event log refers to them


@admin.register(StatusEvent)
class StatusEventAdmin(admin.ModelAdmin):
    """The event log is append-only: readable here, never added, changed or deleted."""

    list_display = ["created_at", "recipient", "action", "subject", "actor"]
    list_filter = ["action", "subject"]
    list_select_related = ["recipient__organisation", "recipient__remiss", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["number", "title", "statement"]
    readonly_fields = ["statement"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["date", "organisation", "place", "minutes_justified_on"]
    list_filter = ["organisation"]
    date_hierarchy = "date"
    readonly_fields = ["minutes_justified_on", "notice_date"]
    autocomplete_fields = ["organisation", "chair", "secretary"]
    filter_horizontal = ["justifiers"]
    inlines = [AgendaItemInline]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    """Decisions are recorded by the secretary in the portal; here they are read only."""

    list_display = ["item", "outcome", "immediate", "justified_on"]
    list_filter = ["outcome"]
    list_select_related = ["item__meeting__organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: readable here, written only by the portal's actions."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JustificationSignature)
class JustificationSignatureAdmin(ReadOnlyAdmin):
    """Justeringar: signed in the portal by the chair and the justerare themselves."""

    list_display = ["meeting", "decision", "user", "signed_at", "method", "sha256"]
    list_select_related = ["meeting__organisation", "decision__item", "user"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Anslag: posted by the justification, taken down by the daily job."""

    list_display = ["meeting", "paragraphs", "posted_on", "appeal_ends", "takes_down_on"]
    list_select_related = ["meeting__organisation"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "requested_deadline", "state", "requested_at", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["recipient__organisation", "recipient__remiss"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    """Delegationsordning: which role may answer remisses marked for delegation, per nämnd."""

    list_display = ["organisation", "role", "reference", "adopted_on"]
    list_select_related = ["organisation"]


@admin.register(DelegatedDecision)
class DelegatedDecisionAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "delegate_name", "decided_at", "reported_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient__organisation", "recipient__remiss", "reported_at"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "for_deadline", "sent_on", "sent_by"]
    list_filter = ["kind"]
    list_select_related = ["recipient__organisation", "recipient__remiss", "sent_by"]


@admin.register(ReceivedReply)
class ReceivedReplyAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "channel", "received_on", "registered_by", "registered_at"]
    list_filter = ["channel"]
    list_select_related = ["recipient__organisation", "recipient__remiss", "registered_by"]


@admin.register(ReplyLink)
class ReplyLinkAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "created_at", "expires_at", "used_at"]
    exclude = ["token_hash"]
    list_select_related = ["recipient__organisation", "recipient__remiss"]


class JobAdmin(ReadOnlyAdmin):
    """A durable job (remiss/tasks.py): its state, attempts, next attempt and last error; a
    failed one can be put back on the queue from here, as `manage.py requeue_failed` does."""

    actions = ["retry_now"]
    recover = None  # the module function that puts jobs back (documents or notifications)

    @admin.action(description="Försök igen nu (misslyckade och avbrutna)")
    def retry_now(self, request, queryset):
        count = type(self).recover(failed=True, only=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} lagda i kön igen.")


@admin.register(StoredDocument)
class StoredDocumentAdmin(JobAdmin):
    list_display = [
        "__str__",
        "kind",
        "state",
        "attempts",
        "next_attempt_at",
        "error",
        "pdfa",
        "size",
        "rendered_at",
    ]
    list_filter = ["kind", "state"]
    recover = staticmethod(documents.recover)


@admin.register(Preview)
class PreviewAdmin(JobAdmin):
    list_display = ["__str__", "kind", "object_id", "state", "attempts", "next_attempt_at", "error"]
    list_filter = ["kind", "state"]
    exclude = ["html"]  # the print HTML, up to the rendering: long, and no one's to read here
    recover = staticmethod(previews.recover)


@admin.register(AgendaIssue)
class AgendaIssueAdmin(JobAdmin):
    list_display = [
        "__str__",
        "version",
        "issued_at",
        "state",
        "attempts",
        "next_attempt_at",
        "error",
    ]
    list_filter = ["state"]
    exclude = ["html"]  # the print HTML, up to the rendering: long, and no one's to read here
    recover = staticmethod(minutes.recover)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(JobAdmin):
    list_display = ["subject", "template", "state", "attempts", "next_attempt_at", "error"]
    list_filter = ["state", "template"]
    search_fields = ["subject", "to"]
    recover = staticmethod(notifications.recover)
