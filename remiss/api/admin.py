"""API clients and their webhooks in the admin. A token is created with
`python manage.py create_api_client` (it is shown once); here clients are seen and switched off."""

from django.contrib import admin

from remiss.api.models import ApiClient, WebhookDelivery, WebhookSubscription


class WebhookInline(admin.TabularInline):
    model = WebhookSubscription
    extra = 0
    fields = ["url", "events", "active", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "token_hint", "active", "last_used_at"]
    list_filter = ["active"]
    readonly_fields = ["token_hint", "created_at", "last_used_at"]
    inlines = [WebhookInline]

    def has_add_permission(self, request):
        return False  # tokens come from create_api_client, which shows the token once


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "subscription", "state", "attempts", "last_status", "created_at"]
    list_filter = ["state", "event"]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False
