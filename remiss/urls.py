from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from remiss.api import integration
from remiss.login import LoginView, ThrottledAdminAuthenticationForm
from remiss.views import (
    compilation,
    documents,
    health,
    importing,
    inbox,
    meetings,
    noticeboard,
    notices,
    public,
    review,
    search,
    sender,
    statements,
)

admin.site.site_header = "Remissportalen – administration"
admin.site.site_title = "Remissportalen"
admin.site.index_title = "Administration"
admin.site.login_form = ThrottledAdminAuthenticationForm

# Uploaded files are never served from MEDIA_URL: every download goes through a view that
# checks who is asking.
urlpatterns = [
    path("", inbox.start, name="start"),
    path("notiser/", notices.notice_list, name="notices"),
    path("notiser/<int:pk>/oppna/", notices.notice_open, name="notice_open"),
    path("notiser/alla-lasta/", notices.notices_read_all, name="notices_read_all"),
    path("halsa/", health.health, name="health"),
    path("halsa/redo/", health.ready, name="ready"),
    path("drift/metrics/", health.prometheus, name="metrics"),
    path("logga-in/", LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    # The recipient's case and its statement
    path("arenden/<int:pk>/", statements.recipient_detail, name="recipient"),
    path("arenden/<int:pk>/paborja/", statements.start_statement, name="statement_start"),
    path("arenden/<int:pk>/importera/", importing.import_upload, name="import_upload"),
    path(
        "arenden/<int:pk>/importera/<int:import_pk>/",
        importing.import_review,
        name="import_review",
    ),
    path("arenden/<int:pk>/avsta/", review.recipient_decline, name="recipient_decline"),
    path("arenden/<int:pk>/diarienummer/", review.recipient_register, name="recipient_register"),
    path("arenden/<int:pk>/anstand/", review.extension_request, name="extension_request"),
    path("utlatanden/<int:pk>/", statements.statement_detail, name="statement"),
    path("utlatanden/<int:pk>/redigera/", statements.statement_edit, name="statement_edit"),
    path(
        "utlatanden/<int:pk>/autospara/", statements.statement_autosave, name="statement_autosave"
    ),
    path(
        "utlatanden/<int:pk>/autospara/kasta/",
        statements.statement_autosave_discard,
        name="statement_autosave_discard",
    ),
    path(
        "utlatanden/<int:pk>/forhandsgranska/",
        statements.statement_preview,
        name="statement_preview",
    ),
    path(
        "utlatanden/<int:pk>/versioner/", statements.statement_versions, name="statement_versions"
    ),
    path(
        "utlatanden/<int:pk>/versioner/jamfor/",
        statements.statement_compare,
        name="statement_compare",
    ),
    path(
        "utlatanden/<int:pk>/versioner/<int:number>/aterstall/",
        statements.statement_restore,
        name="statement_restore",
    ),
    path("utlatanden/<int:pk>/pdf/", documents.statement_pdf, name="statement_pdf"),
    path("utlatanden/<int:pk>/word/", importing.statement_docx, name="statement_docx"),
    path(
        "utlatanden/<int:pk>/inlast/<int:import_pk>/",
        importing.import_original,
        name="import_original",
    ),
    # One URL per move of the workflow (the buttons come from workflow.statement_moves)
    path(
        "utlatanden/<int:pk>/lamna-till-granskning/",
        review.statement_submit,
        name="statement_submit",
    ),
    path(
        "utlatanden/<int:pk>/ta-tillbaka-fran-granskning/",
        review.statement_withdraw_submission,
        name="statement_withdraw_submission",
    ),
    path(
        "utlatanden/<int:pk>/paborja-granskning/",
        review.statement_start_review,
        name="statement_start_review",
    ),
    path("utlatanden/<int:pk>/returnera/", review.statement_return, name="statement_return"),
    path("utlatanden/<int:pk>/signera/", review.statement_sign, name="statement_sign"),
    path("utlatanden/<int:pk>/ta-tillbaka/", review.statement_withdraw, name="statement_withdraw"),
    path(
        "utlatanden/<int:pk>/besvara-pa-delegation/",
        review.statement_answer_on_delegation,
        name="statement_answer_on_delegation",
    ),
    path("bilagor/<int:pk>/", statements.attachment_download, name="attachment"),
    # Meetings
    path("sammantraden/", meetings.meeting_list, name="meetings"),
    path("sammantraden/nytt/", meetings.meeting_create, name="meeting_create"),
    path("sammantraden/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path(
        "sammantraden/<int:pk>/utlatande/",
        meetings.meeting_add_statement,
        name="meeting_add_statement",
    ),
    path("sammantraden/<int:pk>/punkt/", meetings.meeting_add_item, name="meeting_add_item"),
    path("sammantraden/<int:pk>/justera/", meetings.meeting_justify, name="meeting_justify"),
    path(
        "sammantraden/<int:pk>/anmal-delegationsbeslut/",
        meetings.delegated_report,
        name="delegated_report",
    ),
    path(
        "sammantraden/<int:pk>/paragrafer/<int:number>/",
        meetings.paragraph_detail,
        name="paragraph",
    ),
    path(
        "sammantraden/<int:pk>/paragrafer/<int:number>/justera/",
        meetings.paragraph_justify,
        name="paragraph_justify",
    ),
    path(
        "sammantraden/<int:pk>/paragrafer/<int:number>/beslut/",
        meetings.decision_record,
        name="decision_record",
    ),
    path(
        "sammantraden/<int:pk>/paragrafer/<int:number>/pdf/",
        documents.extract_pdf,
        name="extract_pdf",
    ),
    path("sammantraden/<int:pk>/narvaro/", meetings.meeting_attendance, name="meeting_attendance"),
    path("sammantraden/<int:pk>/andra/", meetings.meeting_change, name="meeting_change"),
    path("sammantraden/<int:pk>/kallelse/", meetings.agenda_issue, name="agenda_issue"),
    path("sammantraden/<int:pk>/kallelse/<int:version>/", meetings.agenda_pdf, name="agenda_pdf"),
    path("sammantraden/<int:pk>/protokoll/", meetings.minutes_pdf, name="minutes_pdf"),
    path(
        "sammantraden/<int:pk>/paragrafer/<int:number>/flytta/",
        meetings.item_move,
        name="item_move",
    ),
    path(
        "sammantraden/<int:pk>/paragrafer/<int:number>/stryk/",
        meetings.item_remove,
        name="item_remove",
    ),
    path(
        "sammantraden/<int:pk>/paragrafer/<int:number>/jav/",
        meetings.recusal_add,
        name="recusal_add",
    ),
    path(
        "sammantraden/<int:pk>/paragrafer/<int:number>/jav/<int:recusal_pk>/ta-bort/",
        meetings.recusal_remove,
        name="recusal_remove",
    ),
    path(
        "sammantraden/<int:pk>/paragrafer/<int:number>/ratta/",
        meetings.decision_correct,
        name="decision_correct",
    ),
    path(
        "sammantraden/<int:pk>/paragrafer/<int:number>/reservationer/<int:reservation_pk>/",
        meetings.reservation_reasons,
        name="reservation_reasons",
    ),
    path("handlingar/<int:pk>/", documents.stored_document, name="document"),
    # The sender's side
    path("remisser/ny/", sender.remiss_create, name="remiss_create"),
    path("remisser/<int:pk>/", sender.remiss_status, name="remiss_status"),
    path(
        "remisser/<int:pk>/anstand/<int:request_pk>/",
        sender.extension_decide,
        name="extension_decide",
    ),
    path("remisser/<int:pk>/paminn/", sender.remind, name="remind"),
    path("remisser/<int:pk>/andra/", sender.remiss_change, name="remiss_change"),
    path(
        "remisser/<int:pk>/lagg-till-instanser/",
        sender.remiss_add_recipients,
        name="remiss_add_recipients",
    ),
    path("remisser/<int:pk>/aterkalla/", sender.remiss_recall, name="remiss_recall"),
    path("remisser/<int:pk>/avsluta/", sender.remiss_close, name="remiss_close"),
    path(
        "remisser/<int:pk>/instanser/<int:recipient_pk>/registrera-svar/",
        sender.reply_register,
        name="reply_register",
    ),
    path("remisser/inkommen/", sender.incoming_create, name="incoming_create"),
    path("arenden/<int:pk>/skicka-vidare/", sender.forward, name="forward"),
    path("remisser/<int:pk>/svar/<int:recipient_pk>/", sender.reply_detail, name="reply"),
    path("remisser/<int:pk>/sammanstallning/", compilation.compilation, name="compilation"),
    path(
        "remisser/<int:pk>/sammanstallning.csv", compilation.compilation_csv, name="compilation_csv"
    ),
    path(
        "remisser/<int:pk>/sammanstallning.xlsx",
        compilation.compilation_xlsx,
        name="compilation_xlsx",
    ),
    path(
        "remisser/<int:pk>/sammanstallning.pdf", compilation.compilation_pdf, name="compilation_pdf"
    ),
    path("sok/", search.search, name="search"),
    # Public pages: no login; only what is public (sent remisses, delivered replies)
    path("offentligt/", public.public_remisses, name="public_remisses"),
    path("tillganglighet/", public.accessibility, name="accessibility"),
    path("hjalp/", public.help_page, name="help"),
    path("offentligt/remisser/<int:pk>/", public.public_remiss, name="public_remiss"),
    path(
        "offentligt/remisser/<int:pk>/svar/<int:recipient_pk>/",
        public.public_reply,
        name="public_reply",
    ),
    path(
        "offentligt/remisser/<int:pk>/svar/<int:recipient_pk>/inkommet/",
        public.public_received_reply,
        name="public_received_reply",
    ),
    path("offentligt/remisser/<int:pk>/svara/<str:token>/", public.reply_link, name="reply_link"),
    path("offentligt/handlingar/<int:pk>/", public.public_document, name="public_document"),
    path("offentligt/sammantraden/<int:pk>/", public.public_meeting, name="public_meeting"),
    path("anslagstavla/", noticeboard.noticeboard, name="noticeboard"),
    path("anslagstavla/arkiv/", noticeboard.noticeboard_archive, name="noticeboard_archive"),
    path("anslagstavla/flode/", noticeboard.NoticeFeed(), name="noticeboard_feed"),
    path("anslagstavla/<int:pk>/", noticeboard.notice_detail, name="notice"),
    path(
        "offentligt/sammantraden/<int:pk>/kallelse/<int:version>/",
        public.public_agenda,
        name="public_agenda",
    ),
    # Open data and integration (issue 18): OParl 1.1 for anyone, the token API for systems
    path("oparl/v1/", include("remiss.api.urls")),
    path("api/v1/", integration.api.urls),
    path("arkiv/", include("remiss.archive.urls")),
    # The language switch (Django's set_language: POST language=en|sv, next=the page).
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
