from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.csp import CSP
from django.utils.html import format_html
from django.views.decorators.csp import csp_override

from core.admin import ReadOnlyAdmin
from notifications import kinds
from notifications.models import Notification, OutboxMail, Preference, Webhook, WebhookDelivery


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "subject", "email_state", "read_at"]
    list_filter = ["kind", "email_state", "created_at"]
    search_fields = ["subject", "recipient__username", "event"]
    list_select_related = ["recipient"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    """Anyone's e-mail preferences; a kind without a row here gets its default."""

    list_display = ["user", "kind", "delivery"]
    list_editable = ["delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]


class WebhookForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, help_text="What is posted to it."
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "secret", "kinds", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(k.key, k.label) for k in kinds.KINDS.values()]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """A team chat's incoming webhook (Slack and Microsoft Teams accept the JSON {"text": …});
    each body is signed: X-Cupboard-Signature: sha256=HMAC-SHA256(secret, body)."""

    form = WebhookForm
    list_display = ["name", "url", "active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "webhook", "event", "delivered_at", "attempts", "last_error"]
    list_filter = ["webhook", "failed"]


@admin.register(OutboxMail)
class OutboxMailAdmin(ReadOnlyAdmin):
    """Mail kept by the local outbox (no SMTP server configured): read each as it was sent."""

    list_display = ["sent_at", "to", "subject", "as_sent"]
    search_fields = ["to", "subject"]
    fields = ["sent_at", "to", "subject", "headers", "text", "as_sent"]
    readonly_fields = fields

    @admin.display(description="the mail")
    def as_sent(self, mail: OutboxMail) -> str:
        url = reverse("admin:notifications_outboxmail_html", args=[mail.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">Read it as sent</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view(self.html_view)
        return [
            path("<int:pk>/html/", view, name="notifications_outboxmail_html"),
            *super().get_urls(),
        ]

    def html_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _mail_html(request, get_object_or_404(OutboxMail, pk=pk))


# A mail's HTML uses inline styles (mail programs drop style sheets) and may link anywhere: shown
# on a page of its own with a policy that allows the styles and nothing else (no script at all).
@csp_override({"default-src": [CSP.NONE], "style-src": [CSP.UNSAFE_INLINE], "img-src": [CSP.SELF]})
def _mail_html(request: HttpRequest, mail: OutboxMail) -> HttpResponse:
    return HttpResponse(mail.html or f"<pre>{mail.text}</pre>")
