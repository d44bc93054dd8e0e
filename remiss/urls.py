from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from remiss import views

admin.site.site_header = "Remissportalen – administration"
admin.site.site_title = "Remissportalen"
admin.site.index_title = "Administration"

# Uploaded files are never served from MEDIA_URL: every download goes through a view that
# checks who is asking.
urlpatterns = [
    path("", views.start, name="start"),
    path("logga-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("arenden/<int:pk>/", views.recipient_detail, name="recipient"),
    path("arenden/<int:pk>/paborja/", views.start_statement, name="statement_start"),
    path("utlatanden/<int:pk>/", views.statement_detail, name="statement"),
    path("utlatanden/<int:pk>/redigera/", views.statement_edit, name="statement_edit"),
    path("utlatanden/<int:pk>/autospara/", views.statement_autosave, name="statement_autosave"),
    path(
        "utlatanden/<int:pk>/autospara/kasta/",
        views.statement_autosave_discard,
        name="statement_autosave_discard",
    ),
    path("utlatanden/<int:pk>/forhandsgranska/", views.statement_preview, name="statement_preview"),
    path("utlatanden/<int:pk>/versioner/", views.statement_versions, name="statement_versions"),
    path(
        "utlatanden/<int:pk>/versioner/jamfor/", views.statement_compare, name="statement_compare"
    ),
    path(
        "utlatanden/<int:pk>/versioner/<int:number>/aterstall/",
        views.statement_restore,
        name="statement_restore",
    ),
    path("bilagor/<int:pk>/", views.attachment_download, name="attachment"),
    path("admin/", admin.site.urls),
]
