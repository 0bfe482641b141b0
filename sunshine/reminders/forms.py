from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.core.models import Organisation
from sunshine.reminders.models import Campaign, MessageTemplate, StaffMember
from sunshine.reminders.placeholders import PlaceholderError, used_keys


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("人员名录文件"),
        help_text=_(
            "Excel（.xlsx）或 CSV 文件；第一行为表头：姓名、单位、职务、人员类别、手机号、电子邮箱。"
        ),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("文件过大（上限 %(mb)d MB）"), params={"mb": settings.UPLOAD_MAX_BYTES // 1048576}
            )
        return f


def _check_placeholders(text: str) -> str:
    try:
        used_keys(text)
    except PlaceholderError as e:
        raise forms.ValidationError(str(e)) from None
    return text


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["name", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.instance.district = district

    def clean_subject(self):
        return _check_placeholders(self.cleaned_data["subject"])

    def clean_body(self):
        return _check_placeholders(self.cleaned_data["body"])

    def clean_name(self):
        name = self.cleaned_data["name"]
        clash = MessageTemplate.objects.filter(district=self.district, name=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("已有同名模板。"))
        return name


class CampaignForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("人员类别"),
        choices=StaffMember.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示所有类别。"),
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "template",
            "channel",
            "organisations",
            "categories",
            "season_start",
            "season_end",
            "scheduled_at",
        ]
        widgets = {
            "organisations": forms.CheckboxSelectMultiple,
            "season_start": forms.DateInput(attrs={"type": "date"}),
            "season_end": forms.DateInput(attrs={"type": "date"}),
            "scheduled_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.district = district
        self.fields["template"].queryset = MessageTemplate.objects.filter(district=district)
        self.fields["organisations"].queryset = Organisation.objects.filter(
            district=district
        ).order_by("kind", "name")
        self.fields["scheduled_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean_scheduled_at(self):
        when = self.cleaned_data.get("scheduled_at")
        if when and when < timezone.now():
            raise forms.ValidationError(_("定时发送的时间已经过去。"))
        return when

    def clean(self):
        data = super().clean()
        start, end = data.get("season_start"), data.get("season_end")
        if start and end and end < start:
            self.add_error("season_end", _("报名截止日期不能早于开始日期。"))
        return data
