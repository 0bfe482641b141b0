"""``AuditedAdmin``: every add, change and delete made through the Django admin goes to the
audit log, like the same change made through the site's own pages.

Mix it in before ``admin.ModelAdmin``. Entries are "admin.created", "admin.changed" and
"admin.deleted", written in the admin's own transaction, with ``payload["fields"]`` naming each
changed field and its new value. Inline rows (a school's zones, a plan's priority groups) get
entries of their own. Personal data never goes into the payload: fields named in ``PERSONAL`` or
in the admin's ``audit_hidden_fields`` are listed with the value "[hidden]", and long free text
only with its length.
"""

from __future__ import annotations

from django.db import models, transaction

from sunshine.core import audit

HIDDEN = "[hidden]"
# Field names whose values are personal data, whichever model they are on.
PERSONAL = frozenset(
    {
        "password",
        "id_number",
        "guardian_name",
        "guardian_phone",
        "hukou_address",
        "residence_address",
        "birth_date",
        "email",
        "first_name",
        "last_name",
    }
)


def field_values(obj: models.Model, names, form=None, hidden=frozenset()) -> dict:
    """{name: new value} for the given field names, safe to keep in the audit log."""
    values = {}
    for name in names:
        if name in PERSONAL or name in hidden or "password" in name:
            values[name] = HIDDEN
            continue
        try:
            field = obj._meta.get_field(name)
        except Exception:  # a form-only field
            field = None
        if field is not None and field.many_to_many:
            chosen = (form.cleaned_data.get(name) if form is not None else None) or []
            values[name] = sorted(item.pk for item in chosen)
        elif field is not None and field.is_relation:
            values[name] = getattr(obj, field.attname)
        elif isinstance(field, models.TextField):
            values[name] = f"[text, {len(getattr(obj, name) or '')} chars]"
        elif isinstance(field, models.FileField):
            values[name] = str(getattr(obj, name) or "")
        elif field is not None:
            values[name] = getattr(obj, name)
        elif form is not None:
            values[name] = str(form.cleaned_data.get(name))
    return values


def _editable_names(obj: models.Model) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if f.editable and not f.primary_key]


class AuditedAdmin:
    audit_hidden_fields: frozenset[str] = frozenset()

    def _record(self, request, action: str, obj, names, form=None, **extra) -> None:
        payload = {"fields": field_values(obj, names, form, self.audit_hidden_fields)}
        audit.record(action, obj, actor=request.user, payload=payload, **extra)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            if form.changed_data:
                self._record(request, "admin.changed", obj, form.changed_data, form)
        else:
            names = _editable_names(obj) + [
                f.name for f in obj._meta.many_to_many if f.name in form.fields
            ]
            self._record(request, "admin.created", obj, names, form)

    def save_formset(self, request, form, formset, change):
        doomed = {id(f.instance): f.instance.pk for f in formset.deleted_forms if f.instance.pk}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._record(request, "admin.created", obj, _editable_names(obj))
        for obj, names in formset.changed_objects:
            self._record(request, "admin.changed", obj, names)
        for obj in formset.deleted_objects:
            self._record(request, "admin.deleted", obj, [], object_id=str(doomed.get(id(obj), "")))

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record(request, "admin.deleted", obj, [])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._record(request, "admin.deleted", obj, [])
            super().delete_queryset(request, queryset)
