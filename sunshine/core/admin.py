from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from sunshine.core import audit
from sunshine.core.audit_models import AuditEntry
from sunshine.core.models import District, Organisation, User


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "complaint_phone"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "parent"]
    list_filter = ["kind", "district"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "organisation__district"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("阳光招生"), {"fields": ("display_name", "role", "organisation")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("阳光招生"), {"fields": ("display_name", "role", "organisation")}),
    )

    def save_model(self, request, obj, form, change):
        old = (
            User.objects.filter(pk=obj.pk).values("role", "organisation_id").first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)
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
