from django.contrib import admin

from sunshine.core.admin_audit import AuditedAdmin
from sunshine.enrollment.models import (
    ComplaintChannel,
    EnrolmentPlan,
    PolicyDocument,
    PriorityGroup,
    School,
    Zone,
)


class ZoneInline(admin.TabularInline):
    model = Zone
    extra = 1


class PriorityGroupInline(admin.TabularInline):
    model = PriorityGroup
    extra = 1


@admin.register(School)
class SchoolAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "organisation", "ownership", "stage", "enrolment_phone"]
    list_filter = ["ownership", "stage", "organisation__district"]
    search_fields = ["code", "organisation__name"]
    inlines = [ZoneInline]


@admin.register(EnrolmentPlan)
class EnrolmentPlanAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["school", "year", "total_places", "zoned_places", "surplus_places", "published"]
    list_filter = ["year", "published", "school__organisation__district"]
    inlines = [PriorityGroupInline]


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["title", "district", "year", "published_at"]
    list_filter = ["district", "year"]


@admin.register(ComplaintChannel)
class ComplaintChannelAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["district", "kind", "name", "contact", "order"]
    list_filter = ["district", "kind"]


# Applicants and applications are deliberately not in the admin: their personal data and
# status changes go only through the review queue, where every decision is audited.
