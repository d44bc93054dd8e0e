from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from programs.models import FocusArea, Programme


class FocusAreaInline(admin.TabularInline):
    model = FocusArea
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "period", "adopted_on"]
    search_fields = ["name"]
    inlines = [FocusAreaInline]


@admin.register(FocusArea)
class FocusAreaAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "programme"]
    list_filter = ["programme"]
    search_fields = ["title"]
