from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.core import uploads
from sunshine.enrollment import importer
from sunshine.enrollment.models import (
    Applicant,
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


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("重新审核理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("更正已完成的审核结论，必须写明理由；记入审核记录和审计日志。"),
    )


class ApplicationEntryForm(forms.Form):
    """One child and one application at ``school``, entered by hand.

    The checks of a child are the importer's (``importer.check_child``), so an entry and an
    imported row are held to the same rules; the year must be one of the school's published
    plans and the priority one of that plan's groups.
    """

    name = forms.CharField(label=_("儿童姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Applicant.Gender.choices)
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("可留空，取自身份证号"),
    )
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    guardian_name = forms.CharField(label=_("监护人姓名"), max_length=50)
    guardian_phone = forms.CharField(label=_("监护人手机"), max_length=20)
    hukou_address = forms.CharField(label=_("户籍地址"), max_length=200)
    residence_address = forms.CharField(label=_("居住地址"), max_length=200)
    year = forms.TypedChoiceField(label=_("招生年度"), coerce=int)
    preference = forms.IntegerField(label=_("志愿顺序"), min_value=1, initial=1)
    priority = forms.TypedChoiceField(label=_("录取顺位"), coerce=int)
    multiple_birth_group = forms.CharField(
        label=_("多胞胎组"),
        max_length=32,
        required=False,
        help_text=_("同一多胞胎的兄弟姐妹填写相同的组号，摇号时作为一个整体"),
    )

    CHILD_FIELDS = (
        "name",
        "gender",
        "birth_date",
        "id_number",
        "guardian_name",
        "guardian_phone",
        "hukou_address",
        "residence_address",
    )

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.plans = {
            p.year: p
            for p in EnrolmentPlan.objects.published()
            .filter(school=school)
            .prefetch_related("priority_groups")
            .order_by("-year")
        }
        self.fields["year"].choices = [(y, y) for y in self.plans]
        self.ranks = {
            year: {g.rank: g for g in plan.priority_groups.all()}
            for year, plan in self.plans.items()
        }
        choices = []
        for year, groups in self.ranks.items():
            options = [(r, f"{g.rank}. {g.name}") for r, g in groups.items()] or [(1, "1")]
            choices.append((str(year), options))
        self.fields["priority"].choices = choices[0][1] if len(choices) == 1 else choices

    def clean(self):
        data = super().clean()
        year = data.get("year")
        if year is None:
            return data
        groups = self.ranks.get(year, {})
        priority = data.get("priority")
        if priority is not None and (priority not in groups if groups else priority != 1):
            self.add_error("priority", importer.priority_error(priority))
        if any(name in self.errors for name in self.CHILD_FIELDS):
            return data
        values = {name: data.get(name) or "" for name in self.CHILD_FIELDS}
        values.update(
            gender=data["gender"],
            preference=data.get("preference") or 1,
            priority=priority or 1,
            multiple_birth_group=data.get("multiple_birth_group", ""),
        )
        checked, problems = importer.check_child(values, year)
        for key, message in problems:
            field = key if key in self.fields else None
            if field is None or field not in self.errors:
                self.add_error(field, message)
        if not problems:
            self.child = {name: data[name] for name in self.CHILD_FIELDS}
            self.child.update(
                id_number=checked["id_number"],
                birth_date=checked["birth_date"],
                guardian_phone=checked["guardian_phone"],
                gender=checked["gender"],
            )
        return data
