from django.urls import path

from remiss.archive import views

urlpatterns = [
    path("arenden/<int:pk>/", views.export_recipient, name="archive_recipient"),
    path("remisser/<int:pk>/", views.export_remiss, name="archive_remiss"),
]
