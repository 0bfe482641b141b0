from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.core import uploads
from sunshine.enrollment.models import (
    Application,
    ApplicationDocument,
    EnrolmentPlan,
    PolicyDocument,
    School,
)

DECISION_CHOICES = [
    (s.value, s.label) for s in Application.Status if s != Application.Status.SUBMITTED
]


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("审核结果"), choices=DECISION_CHOICES)
    reason = forms.CharField(
        label=_("理由"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("符合条件、不符合条件、需补充材料都必须写明理由。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("status") in Application.DECISIONS and not data.get("reason", "").strip():
            self.add_error("reason", _("每项审核决定都必须填写理由。"))
        return data


class BulkDecisionForm(DecisionForm):
    applications = forms.ModelMultipleChoiceField(
        label=_("报名申请"), queryset=Application.objects.none()
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = queryset
        self.fields["applications"].error_messages["required"] = _("请至少勾选一条报名申请。")


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=ApplicationDocument.Kind.choices)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、PNG 或 JPEG"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.kind_sniffed = uploads.check_upload(upload, uploads.DOCUMENTS)
        return upload


class ImportForm(forms.Form):
    year = forms.IntegerField(
        label=_("招生年度"), min_value=2000, max_value=2100, initial=lambda: timezone.now().year
    )
    file = forms.FileField(label=_("报名数据文件"), help_text=_(".xlsx 或 .csv，第一行为表头"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.check_upload(upload, uploads.SPREADSHEETS)
        return upload


class QueueFilterForm(forms.Form):
    school = forms.ChoiceField(label=_("学校"), required=False)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部"))] + list(Application.Status.choices),
    )
    year = forms.IntegerField(label=_("年度"), required=False)
    q = forms.CharField(label=_("报名号或姓名"), required=False, max_length=50)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", _("全部"))] + [(s.code, s.name) for s in schools]


class PlanForm(forms.ModelForm):
    class Meta:
        model = EnrolmentPlan
        fields = [
            "school",
            "year",
            "total_places",
            "zoned_places",
            "surplus_places",
            "application_start",
            "application_end",
            "lottery_date",
            "rules",
            "published",
        ]
        widgets = {
            "application_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "application_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "lottery_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(
            organisation__district=district
        ).select_related("organisation")
        if self.instance.pk:
            # A plan's school and year are its identity: the lottery and the applications
            # point at them. Correct them by creating a new plan instead.
            self.fields["school"].disabled = True
            self.fields["year"].disabled = True

    def clean(self):
        data = super().clean()
        start, end = data.get("application_start"), data.get("application_end")
        if start and end and end < start:
            self.add_error("application_end", _("报名截止日期不能早于报名开始日期。"))
        return data


class SchoolForm(forms.ModelForm):
    zones = forms.CharField(
        label=_("学区范围"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一个街道或小区，可用“|”加说明，如：五星街|全段"),
    )

    class Meta:
        model = School
        fields = ["ownership", "stage", "address", "phone", "enrolment_phone"]

    def __init__(self, *args, can_edit_zones=False, **kwargs):
        super().__init__(*args, **kwargs)
        if can_edit_zones:
            self.fields["zones"].initial = "\n".join(
                f"{z.name}|{z.note}" if z.note else z.name for z in self.instance.zones.all()
            )
        else:
            del self.fields["zones"]

    def clean_zones(self):
        zones: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["zones"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, note = line.partition("|")
            name, note = name.strip(), note.strip()
            if not name or len(name) > 200 or len(note) > 200:
                raise forms.ValidationError(_("第 %(n)s 行格式不正确。") % {"n": number})
            zones[name] = note
        return zones


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PolicyDocument
        fields = ["year", "title", "published_at", "body"]
        widgets = {"published_at": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
