"""The demo district's organisations and accounts, built from the seeds' facts.

Ziliujing (自贡市自流井区, 2020): 檀木林小学 and 塘坎上小学 each drew 30 surplus places by lottery,
witnessed by a notary, deputies and parent representatives, supervised by the inspection group
stationed at the education and sports bureau. Qixing (桂林市七星区, 2023): three inspection
groups checked enrolment at 龙隐小学, 汇通小学 and others.
"""

from django.db import transaction

from sunshine.core import audit
from sunshine.core.models import District, Organisation, User
from sunshine.core.roles import Role

DEMO_PASSWORD = "sunshine-demo-2026"

DISTRICTS = [
    {
        "code": "510302",
        "name": "自流井区",
        "city": "自贡市",
        "complaint_phone": "0813-8111407",
        "complaint_address": "自贡汇东丹桂大道自流井区机关大楼",
        "organisations": [
            ("bureau", "自流井区教育和体育局", None),
            ("inspection_office", "自流井区纪委监委", None),
            ("inspection_group", "区纪委监委派驻区教育和体育局纪检监察组", "自流井区纪委监委"),
            ("school", "檀木林小学", "自流井区教育和体育局"),
            ("school", "塘坎上小学", "自流井区教育和体育局"),
            ("notary", "自贡市公证处", None),
        ],
    },
    {
        "code": "450305",
        "name": "七星区",
        "city": "桂林市",
        "complaint_phone": "0773-12388",
        "complaint_address": "桂林市七星区纪委监委信访室",
        "organisations": [
            ("bureau", "七星区教育局", None),
            ("bureau_dept", "七星区教育局基础教育股", "七星区教育局"),
            ("inspection_office", "七星区纪委监委", None),
            ("inspection_group", "七星区纪委监委驻区教育局纪检监察组", "七星区纪委监委"),
            ("school", "龙隐小学", "七星区教育局"),
            ("school", "汇通小学", "七星区教育局"),
        ],
    },
]

# username, display name, role, organisation name
ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMIN, "自流井区教育和体育局"),
    ("bureau_zlj", "自流井区教体局招生办", Role.BUREAU, "自流井区教育和体育局"),
    ("inspector_zlj", "易组长", Role.INSPECTION, "区纪委监委派驻区教育和体育局纪检监察组"),
    ("school_tml", "檀木林小学招生组", Role.SCHOOL, "檀木林小学"),
    ("school_tks", "塘坎上小学招生组", Role.SCHOOL, "塘坎上小学"),
    ("notary_zlj", "自贡市公证处公证员", Role.WITNESS, "自贡市公证处"),
    ("parent", "杨女士", Role.PUBLIC, None),
    ("bureau_qx", "七星区教育局基础教育股", Role.BUREAU, "七星区教育局"),
    ("inspector_qx1", "第一检查组组长", Role.INSPECTION, "七星区纪委监委驻区教育局纪检监察组"),
    ("inspector_qx2", "第二检查组组长", Role.INSPECTION, "七星区纪委监委驻区教育局纪检监察组"),
    ("inspector_qx3", "第三检查组组长", Role.INSPECTION, "七星区纪委监委驻区教育局纪检监察组"),
    ("school_ly", "龙隐小学招生组", Role.SCHOOL, "龙隐小学"),
    ("school_ht", "汇通小学招生组", Role.SCHOOL, "汇通小学"),
]


@transaction.atomic
def load(stdout=None) -> None:
    orgs: dict[str, Organisation] = {}
    for spec in DISTRICTS:
        district, _ = District.objects.update_or_create(
            code=spec["code"],
            defaults={k: spec[k] for k in ("name", "city", "complaint_phone", "complaint_address")},
        )
        for kind, name, parent in spec["organisations"]:
            org, _ = Organisation.objects.update_or_create(
                district=district,
                name=name,
                defaults={"kind": kind, "parent": orgs.get(parent)},
            )
            orgs[name] = org
    for username, display, role, org_name in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display,
                "role": role,
                "organisation": orgs.get(org_name),
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            audit.record(
                "core.role_granted",
                user,
                payload={"role": role, "organisation": user.organisation_id, "by": "seed_demo"},
            )
    if stdout:
        stdout.write(f"core: {District.objects.count()} districts, {User.objects.count()} accounts")
