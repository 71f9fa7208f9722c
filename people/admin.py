"""The admin's view of the people app, and of sign-in factors: staff see who has which factor
and can remove one for someone who lost their phone (audited and mailed, like a change the
person makes), never the secrets."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin

from accounts.audit import Action, audit_record
from core.admin import ReadOnlyAdmin
from people.models import Invitation
from people.services import security_notice
from people.signals import NAMES

# Cupboard keeps one e-mail address per person, on the user (the profile changes it with a
# confirmation): allauth's own address book would be a second, unused one.
admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class SignInFactorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type", "created_at", "last_used_at"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]  # never `data`: the secrets
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self._removed(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for factor in queryset.select_related("user"):
            self._removed(request, factor)
        super().delete_queryset(request, queryset)

    def _removed(self, request, factor: Authenticator) -> None:
        name = NAMES.get(factor.type, factor.type)
        audit_record(
            action=Action.MFA_CHANGED,
            actor=request.user,
            obj=factor.user,
            summary=f"Staff removed {name} from {factor.user.get_username()}'s sign-in",
            details={"factor": factor.type, "authenticator": factor.pk},
        )
        security_notice(
            user=factor.user,
            event=f"mfa:{factor.user_id}:{factor.pk}:removed-by-staff",
            subject=f"Cupboard: {name} was removed from your sign-in",
            what=f"{request.user.get_full_name() or request.user.get_username()} (staff) "
            f"removed {name} from your Cupboard sign-in.",
        )


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Invitations as the Team page made them (sent again and withdrawn there)."""

    list_display = ["email", "role", "invited_by", "sent_at", "expires_at", "accepted_at",
                    "revoked_at"]  # fmt: skip
    list_filter = ["role", "sent_at"]
    search_fields = ["email"]
    fields = ["email", "user", "role", "invited_by", "sent_at", "expires_at", "sends",
              "accepted_at", "revoked_at"]  # fmt: skip
    readonly_fields = fields
