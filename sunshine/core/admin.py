from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from sunshine.core import audit
from sunshine.core.admin_audit import AuditedAdmin, field_values
from sunshine.core.audit_models import AuditEntry
from sunshine.core.models import District, Organisation, User


@admin.register(District)
class DistrictAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "city", "complaint_phone"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "district", "parent"]
    list_filter = ["kind", "district"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "display_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "organisation__district"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("阳光招生"), {"fields": ("display_name", "role", "organisation")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("阳光招生"), {"fields": ("display_name", "role", "organisation")}),
    )

    # Who may do what: a change to any of these is recorded, never the password.
    AUDITED_FLAGS = ("is_superuser", "is_staff", "is_active")
    AUDITED_GRANTS = ("groups", "user_permissions")

    def save_model(self, request, obj, form, change):
        old = (
            User.objects.filter(pk=obj.pk)
            .values("role", "organisation_id", *self.AUDITED_FLAGS)
            .first()
            if change
            else None
        )
        # Not AuditedAdmin's save_model: an account's own details (name, email, password) stay
        # out of the log; only what it may do is recorded. Deleting an account is recorded.
        super(AuditedAdmin, self).save_model(request, obj, form, change)
        changed = [
            name
            for name in self.AUDITED_FLAGS
            if (old[name] if old else False) != getattr(obj, name)
        ] + [name for name in self.AUDITED_GRANTS if name in form.changed_data]
        if changed:
            audit.record(
                "admin.changed" if change else "admin.created",
                obj,
                actor=request.user,
                payload={"fields": field_values(obj, changed, form)},
            )
        if old is None or old["role"] != obj.role or old["organisation_id"] != obj.organisation_id:
            audit.record(
                "core.role_granted",
                obj,
                actor=request.user,
                payload={
                    "role": obj.role,
                    "organisation": obj.organisation_id,
                    "previous_role": old["role"] if old else None,
                },
            )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["seq", "created_at", "actor_name", "action", "object_repr"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
