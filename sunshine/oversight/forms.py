from django import forms
from django.utils.translation import gettext_lazy as _

from sunshine.core.models import Organisation, User
from sunshine.core.roles import Role
from sunshine.oversight.models import (
    Accountability,
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    InspectionGroup,
    Problem,
    Recommendation,
    Visit,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

SUBJECT_KINDS = (
    Organisation.Kind.SCHOOL,
    Organisation.Kind.TRAINING,
    Organisation.Kind.BUREAU,
    Organisation.Kind.BUREAU_DEPARTMENT,
    Organisation.Kind.OTHER,
)


def subjects():
    return Organisation.objects.filter(kind__in=SUBJECT_KINDS).select_related("district")


class CampaignForm(forms.ModelForm):
    template = forms.ModelChoiceField(
        ChecklistTemplate.objects.all(),
        label=_("监督清单"),
        required=False,
        help_text=_("使用该清单当前的最新版本，并在本活动中固定下来。"),
    )

    class Meta:
        model = Campaign
        fields = ["district", "title", "scope", "starts_on", "ends_on", "lead_office"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_office"].queryset = lead_offices()


def lead_offices():
    return Organisation.objects.filter(
        kind__in=(Organisation.Kind.INSPECTION_GROUP, Organisation.Kind.INSPECTION_OFFICE)
    )


def inspectors():
    return User.objects.filter(role=Role.INSPECTION, is_active=True)


class CampaignEditForm(forms.ModelForm):
    """Title, scope, period, lead office and pinned checklist, plus one members field per
    group. The checklist is refused once the campaign has visits (see ``Campaign.change``)."""

    class Meta:
        model = Campaign
        fields = ["title", "scope", "starts_on", "ends_on", "lead_office", "checklist"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campaign = self.instance
        self.fields["lead_office"].queryset = lead_offices()
        self.fields["checklist"].queryset = ChecklistVersion.objects.select_related("template")
        self.has_visits = campaign.visits.exists()
        if self.has_visits:
            self.fields["checklist"].help_text = _(
                "本专项已有走访记录，监督清单版本已固定，不能更改。"
            )
        self.groups = list(campaign.groups.prefetch_related("members"))
        for g in self.groups:
            self.fields[f"group_{g.pk}"] = forms.ModelMultipleChoiceField(
                inspectors(),
                required=False,
                label=_("检查组“%(name)s”成员") % {"name": g.name},
                widget=forms.CheckboxSelectMultiple,
                initial=[u.pk for u in g.members.all()],
            )

    def clean_checklist(self):
        new = self.cleaned_data.get("checklist")
        if self.has_visits and (new.pk if new else None) != self.instance.checklist_id:
            raise forms.ValidationError(_("本专项已有走访记录，监督清单版本已固定，不能更改。"))
        return new

    def changes(self) -> tuple[dict, dict]:
        d = self.cleaned_data
        fields = {name: d[name] for name in self.Meta.fields}
        members = {g: list(d[f"group_{g.pk}"]) for g in self.groups}
        return fields, members


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["kind", "title", "addressed_to", "on", "problems"]
        widgets = {
            "on": DATE,
            "title": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].queryset = Organisation.objects.filter(
            district_id=campaign.district_id
        ).order_by("kind", "name")
        # Only the problems of this campaign may be linked.
        self.fields["problems"].queryset = campaign.problems.select_related("subject").order_by(
            "-found_on", "-id"
        )
        self.fields["problems"].label_from_instance = lambda p: f"{p.number} {p.subject or ''}"


class GroupForm(forms.ModelForm):
    class Meta:
        model = InspectionGroup
        fields = ["name", "members"]
        widgets = {"members": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = inspectors()


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = [
            "campaign",
            "group",
            "subject",
            "mode",
            "method",
            "purpose",
            "round",
            "date",
            "documents_reviewed",
            "notes",
        ]
        widgets = {"date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects()
        self.fields["group"].queryset = InspectionGroup.objects.select_related("campaign")
        self.fields["group"].label_from_instance = lambda g: f"{g.campaign} · {g.name}"

    def clean(self):
        data = super().clean()
        group, campaign = data.get("group"), data.get("campaign")
        if group and campaign and group.campaign_id != campaign.pk:
            self.add_error("group", _("该检查组不属于所选专项检查。"))
        subject = data.get("subject")
        if subject and campaign and subject.district_id != campaign.district_id:
            self.add_error("subject", _("对象不在该专项检查的区县内。"))
        return data


YES_NO = [("", "—"), ("yes", _("是")), ("no", _("否"))]
COMPLIANT = [("", _("未判断")), ("yes", _("符合")), ("no", _("不符合"))]


class AnswersForm(forms.Form):
    """One field per checklist item (typed by its answer type), plus a judgement."""

    def __init__(self, *args, items, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            a = answers.get(item.pk)
            key = f"item_{item.pk}"
            if item.answer_type == ChecklistItem.AnswerType.YES_NO:
                field = forms.ChoiceField(choices=YES_NO, required=False)
            elif item.answer_type == ChecklistItem.AnswerType.NUMBER:
                field = forms.DecimalField(required=False, max_digits=12, decimal_places=2)
            elif item.answer_type == ChecklistItem.AnswerType.CHOICE:
                field = forms.ChoiceField(
                    choices=[("", "—")] + [(c, c) for c in item.choice_list()], required=False
                )
            else:
                field = forms.CharField(required=False, max_length=1000)
            field.label = item.text
            field.help_text = item.standard
            self.fields[key] = field
            self.fields[f"ok_{item.pk}"] = forms.ChoiceField(
                choices=COMPLIANT, required=False, label=_("判断")
            )
            if a is not None:
                self.initial[key] = a.value
                self.initial[f"ok_{item.pk}"] = (
                    "" if a.compliant is None else ("yes" if a.compliant else "no")
                )

    def rows(self):
        for item in self.items:
            yield item, self[f"item_{item.pk}"], self[f"ok_{item.pk}"]

    def cleaned_answers(self):
        for item in self.items:
            value = self.cleaned_data.get(f"item_{item.pk}")
            ok = self.cleaned_data.get(f"ok_{item.pk}")
            value = "" if value is None else str(value)
            if ok:
                compliant = ok == "yes"
            elif item.answer_type == ChecklistItem.AnswerType.YES_NO and value:
                compliant = value == "yes"
            else:
                compliant = None
            yield item, value, compliant


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("证据文件（PDF、PNG、JPEG、XLSX、DOCX）"))


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = [
            "campaign",
            "subject",
            "category",
            "description",
            "responsible_org",
            "responsible_person",
            "severity",
            "demand",
            "deadline",
        ]
        widgets = {"deadline": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects()
        self.fields["responsible_org"].queryset = subjects()
        self.fields["category"].required = True
        self.fields["deadline"].required = True


class ReportForm(forms.Form):
    text = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("整改佐证材料"), required=False)


class VerifyForm(forms.Form):
    OUTCOMES = [("verified", _("整改到位，核查销号")), ("reopened", _("整改不到位，重新整改"))]
    visit = forms.ModelChoiceField(Visit.objects.none(), label=_("回头看走访"))
    outcome = forms.ChoiceField(choices=OUTCOMES, label=_("核查结论"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("核查情况"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, problem, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Visit.objects.filter(purpose=Visit.Purpose.LOOKBACK).select_related("subject")
        if problem.subject_id:
            qs = qs.filter(subject_id=problem.subject_id)
        self.fields["visit"].queryset = qs.order_by("-date")


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("新的整改时限"), widget=DATE)
    reason = forms.CharField(label=_("调整原因"), max_length=300)


class ImportForm(forms.Form):
    campaign = forms.ModelChoiceField(
        Campaign.objects.all(), label=_("导入到专项检查"), required=False
    )
    file = forms.FileField(label=_("问题台账（.xlsx）"))


class AccountabilityForm(forms.ModelForm):
    class Meta:
        model = Accountability
        fields = ["kind", "person", "organisation", "on", "reason", "campaign", "problems"]
        widgets = {"on": DATE, "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = subjects()
        self.fields["problems"].queryset = Problem.objects.select_related("subject").order_by(
            "-found_on"
        )
        self.fields["problems"].required = False
