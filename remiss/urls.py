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
    path(
        "logga-in/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
