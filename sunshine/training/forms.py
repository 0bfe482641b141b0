from django import forms
from django.utils.translation import gettext_lazy as _

from sunshine.core.models import District
from sunshine.core.roles import Role
from sunshine.training.models import Institution

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InstitutionForm(forms.Form):
    district = forms.ModelChoiceField(District.objects.all(), label=_("区县"))
    name = forms.CharField(label=_("名称"), max_length=200)
    licence_number = forms.CharField(label=_("办学许可证号"), max_length=60, required=False)
    subjects = forms.CharField(label=_("培训科目"), max_length=200, required=False)
    is_academic = forms.BooleanField(label=_("学科类培训"), required=False, initial=True)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=Institution.Status.choices)
    on = forms.DateField(label=_("状态起始日期"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts_for(user)


def districts_for(user):
    """Where the user may register an institution: inspection anywhere, a bureau only in its own
    district (the same rule as InstitutionQuerySet.editable_by)."""
    if user.role == Role.INSPECTION:
        return District.objects.all()
    if user.role == Role.BUREAU and user.organisation_id:
        return District.objects.filter(pk=user.organisation.district_id)
    return District.objects.none()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=Institution.Status.choices)
    on = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(label=_("原因"), max_length=300)
