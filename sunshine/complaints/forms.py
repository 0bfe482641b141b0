import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sunshine.complaints import uploads
from sunshine.complaints.models import FORWARD_KINDS, PROBLEM_CATEGORY, Complaint
from sunshine.core.models import District, Organisation
from sunshine.oversight.models import Problem


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("可选，最多 %(n)s 个：图片、PDF、Word、Excel、录音或视频。")
            % {"n": uploads.MAX_FILES},
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs["accept"] = ",".join(f".{e}" for e in uploads.ALLOWED_EXTENSIONS)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [f for f in files if f]
        if len(files) > uploads.MAX_FILES:
            raise ValidationError(_("最多上传 %(n)s 个附件。") % {"n": uploads.MAX_FILES})
        errors = []
        for f in files:
            try:
                uploads.check_upload(f)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


PHONE_RE = re.compile(r"^[0-9+\-() ]{5,20}$")


class SubjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.district.name} · {obj.name}"


class ComplaintForm(forms.Form):
    # One-time token: refreshing the receipt page re-posts the form; the token makes that show
    # a notice instead of filing the complaint twice.
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64)
    district = forms.ModelChoiceField(
        queryset=District.objects.order_by("code"), label=_("发生在哪个区县"), empty_label=None
    )
    subject_kind = forms.ChoiceField(
        label=_("举报对象"), choices=Complaint.SubjectKind.choices, widget=forms.RadioSelect
    )
    subject_org = SubjectChoiceField(
        queryset=Organisation.objects.filter(
            kind__in=[Organisation.Kind.SCHOOL, Organisation.Kind.TRAINING]
        )
        .select_related("district")
        .order_by("district__code", "kind", "name"),
        required=False,
        label=_("学校或机构"),
        empty_label=_("（不在列表中 / 不选择）"),
    )
    subject_name = forms.CharField(
        label=_("被举报人或单位名称"),
        required=False,
        max_length=200,
        help_text=_("举报个人或列表中没有的单位时填写。"),
    )
    category = forms.ChoiceField(
        label=_("问题类别"), choices=Complaint.Category.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("发生了什么"),
        max_length=5000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("请写明时间、地点、人物、经过；越具体越便于核查。"),
    )
    when = forms.CharField(
        label=_("大概什么时候"), required=False, max_length=100, help_text=_("如：2026年7月上旬")
    )
    attachments = AttachmentsField(label=_("证据材料"))
    reporter_name = forms.CharField(label=_("您的姓名（可不填）"), required=False, max_length=50)
    reporter_phone = forms.CharField(
        label=_("联系电话（可不填）"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_(
            "留下姓名或电话即为实名举报：身份信息加密保存，须经批准才可查看；平台不会主动给您发送任何短信或通知。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nonce"].initial = secrets.token_urlsafe(24)

    def clean_reporter_phone(self):
        phone = self.cleaned_data["reporter_phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise ValidationError(_("电话号码格式不正确。"))
        return phone

    def clean(self):
        data = super().clean()
        kind = data.get("subject_kind")
        org = data.get("subject_org")
        name = (data.get("subject_name") or "").strip()
        district = data.get("district")
        if org is not None:
            if district and org.district_id != district.pk:
                self.add_error("subject_org", _("所选学校或机构不在所选区县。"))
            expected = {
                Complaint.SubjectKind.SCHOOL: Organisation.Kind.SCHOOL,
                Complaint.SubjectKind.INSTITUTION: Organisation.Kind.TRAINING,
            }.get(kind)
            if expected and org.kind != expected:
                self.add_error("subject_org", _("所选单位与举报对象类型不符。"))
            if kind in (Complaint.SubjectKind.PERSON, Complaint.SubjectKind.OTHER):
                data["subject_org"] = None
        if kind in (Complaint.SubjectKind.SCHOOL, Complaint.SubjectKind.INSTITUTION):
            if org is None and not name:
                self.add_error("subject_org", _("请选择学校或机构，或在下面填写名称。"))
        elif kind and not name:
            self.add_error("subject_name", _("请填写被举报人或单位的名称。"))
        return data


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("16位查询码"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "mono"}
        ),
    )


class AddInformationForm(forms.Form):
    receipt = forms.CharField(widget=forms.HiddenInput, max_length=40)
    text = forms.CharField(
        label=_("补充内容"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = AttachmentsField(label=_("补充材料"))


class ForwardForm(forms.Form):
    to = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("转交承办单位"))
    note = forms.CharField(
        label=_("转办意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = Organisation.objects.filter(
            district_id=complaint.district_id, kind__in=FORWARD_KINDS
        ).order_by("kind", "name")


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(queryset=Complaint.objects.none(), label=_("并入举报"))

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Complaint.objects.open()
            .filter(district_id=complaint.district_id)
            .exclude(pk=complaint.pk)
            .order_by("-received_at")
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    internal = forms.BooleanField(label=_("仅作内部办理记录（举报人看不到）"), required=False)
    attachments = AttachmentsField(label=_("附件"))


class ConcludeForm(forms.Form):
    findings = forms.CharField(
        label=_("办理结果（举报人可见）"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConvertForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类别"), choices=Problem.Category.choices)
    description = forms.CharField(
        label=_("问题描述（写入问题台账，勿含举报人信息）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    demand = forms.CharField(
        label=_("整改要求"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = forms.DateField(
        label=_("整改时限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, complaint: Complaint | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if complaint is not None:
            self.fields["category"].initial = PROBLEM_CATEGORY.get(complaint.category, "other")
