from django.contrib import admin

from sunshine.reminders.models import Campaign, MessageTemplate, StaffMember


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "position", "category", "active"]
    list_filter = ["district", "category", "active"]
    search_fields = ["name", "position"]
    raw_id_fields = ["organisation"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "updated_at"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """Read-only: campaigns are sent and followed from the reminders pages."""

    list_display = ["title", "district", "status", "created_at", "completed_at"]
    list_filter = ["district", "status"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
