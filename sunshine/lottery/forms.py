from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sunshine.core.models import User
from sunshine.core.roles import Role
from sunshine.enrollment.models import School
from sunshine.lottery.models import Draw, Witness


class DrawForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    code = forms.SlugField(
        label=_("摇号编号"), max_length=64, help_text=_("字母、数字和连字符，如 2020-zlj-tml")
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    mode = forms.ChoiceField(label=_("方式"), choices=Draw.Mode.choices)
    mechanism = forms.ChoiceField(
        label=_("匹配机制（多校时）"),
        choices=[("", "—")] + list(Draw.Mechanism.choices),
        required=False,
    )
    bundle_policy = forms.ChoiceField(label=_("多胞胎规则"), choices=Draw.BundlePolicy.choices)
    schools = forms.ModelMultipleChoiceField(
        label=_("学校"), queryset=School.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    redo_of = forms.ModelChoiceField(
        label=_("重新摇号时：被取消的原摇号"), queryset=Draw.objects.none(), required=False
    )

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.filter(
            organisation__district=district
        ).select_related("organisation")
        self.fields["redo_of"].queryset = Draw.objects.filter(
            district=district, state=Draw.State.CANCELLED, redo__isnull=True
        )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if Draw.objects.filter(code=code).exists():
            raise ValidationError(_("该摇号编号已被使用。"))
        return code

    def clean(self):
        data = super().clean()
        schools = data.get("schools") or []
        mode = data.get("mode")
        if mode == Draw.Mode.SINGLE and len(schools) != 1:
            self.add_error("schools", _("单校摇号请只选择一所学校。"))
        if mode == Draw.Mode.MATCH:
            if len(schools) < 2:
                self.add_error("schools", _("多校匹配至少选择两所学校。"))
            if not data.get("mechanism"):
                self.add_error("mechanism", _("多校匹配必须选择匹配机制。"))
        return data


class WitnessForm(forms.ModelForm):
    class Meta:
        model = Witness
        fields = ["kind", "name", "source", "user", "declared_digits"]

    def __init__(self, *args, draw, **kwargs):
        super().__init__(*args, **kwargs)
        self.draw = draw
        self.fields["user"].queryset = User.objects.filter(
            role__in=(Role.WITNESS, Role.INSPECTION),
            organisation__district=draw.district_id,
            is_active=True,
        )
        self.fields["user"].required = False

    def clean_source(self):
        from sunshine.lottery.models import SOURCE_RE

        source = self.cleaned_data["source"]
        if not SOURCE_RE.fullmatch(source):
            raise ValidationError(_("来源标识只能包含字母、数字、点、下划线和连字符。"))
        if self.draw.witnesses.filter(source=source).exists():
            raise ValidationError(_("该来源标识已存在。"))
        return source


class CommitForm(forms.Form):
    commitment = forms.CharField(
        label=_("承诺值（SHA-256，64 位十六进制）"), max_length=64, required=False
    )
    value = forms.CharField(
        label=_("或直接输入随机数（只保存其 SHA-256，不保存数字本身）"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("commitment")) == bool(data.get("value")):
            raise ValidationError(_("请填写承诺值或随机数，且只填一项。"))
        return data


class RevealForm(forms.Form):
    value = forms.CharField(label=_("揭示的随机数"), max_length=200, strip=False)


class RepresentativeForm(forms.Form):
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.none())
    count = forms.IntegerField(label=_("抽取人数"), min_value=1, max_value=50, initial=5)
    sources = forms.CharField(
        label=_("公开随机来源（每行一个，按公布顺序；数字之间用空格分隔）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例如当日福利彩票开奖号码“7 8 11 17 23 30”、股票指数收盘值“08285182”"),
    )

    def __init__(self, *args, draw, **kwargs):
        super().__init__(*args, **kwargs)
        schools = draw.schools.select_related("organisation")
        self.fields["school"].queryset = schools
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk

    def clean_sources(self):
        lines = [line.strip() for line in self.cleaned_data["sources"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise ValidationError(_("至少需要一个公开随机来源。"))
        return lines


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取消原因（将公开）"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class LookupForm(forms.Form):
    number = forms.CharField(label=_("报名号"), max_length=32)
    phone_last4 = forms.RegexField(
        label=_("监护人手机号后四位"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("请输入 4 位数字。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class SkipOfferForm(forms.Form):
    placement = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("跳过候补顺序的原因（教育局记录）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
