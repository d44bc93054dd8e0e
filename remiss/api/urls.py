"""The APIs' addresses: OParl under /oparl/v1/, the integration API under /api/v1/."""

from django.urls import path

from remiss.api import oparl

app_name = "oparl"

urlpatterns = [
    path("", oparl.system, name="system"),
    path("body/", oparl.body_list, name="body_list"),
    path("body/<int:pk>/", oparl.body, name="body"),
    path("body/<int:body>/organization/", oparl.body_organization, name="body_organization"),
    path("body/<int:body>/person/", oparl.body_person, name="body_person"),
    path("body/<int:body>/membership/", oparl.body_membership, name="body_membership"),
    path("body/<int:body>/meeting/", oparl.body_meeting, name="body_meeting"),
    path("body/<int:body>/agendaItem/", oparl.body_agendaitem, name="body_agendaitem"),
    path("body/<int:body>/paper/", oparl.body_paper, name="body_paper"),
    path("body/<int:body>/consultation/", oparl.body_consultation, name="body_consultation"),
    path("body/<int:body>/file/", oparl.body_file, name="body_file"),
    path("organization/<int:pk>/", oparl.organization, name="organization"),
    path(
        "organization/<int:pk>/meeting/",
        oparl.organization_meeting,
        name="organization_meeting",
    ),
    path(
        "organization/<int:pk>/consultation/",
        oparl.organization_consultation,
        name="organization_consultation",
    ),
    path("person/<int:pk>/", oparl.person, name="person"),
    path("membership/<int:pk>/", oparl.membership, name="membership"),
    path("meeting/<int:pk>/", oparl.meeting, name="meeting"),
    path("agendaItem/<int:pk>/", oparl.agendaitem, name="agendaitem"),
    path("paper/remiss/<int:pk>/", oparl.paper_remiss, name="paper_remiss"),
    path("paper/yttrande/<int:pk>/", oparl.paper_reply, name="paper_reply"),
    path("paper/tjansteutlatande/<int:pk>/", oparl.paper_statement, name="paper_statement"),
    path("consultation/<int:pk>/", oparl.consultation, name="consultation"),
    path("file/<int:pk>/", oparl.file, name="file"),
    path("file/<int:pk>/innehall/", oparl.file_access, name="file_access"),
]
