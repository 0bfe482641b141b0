"""Demo: Qixing's 2,000+ integrity reminders (seed 000), reproduced from delivery records.

"驻区教育局纪检监察组……向全区教育系统工作人员发送廉洁招生提醒2000余条": the inspection group
stationed at the Qixing education bureau reminded the district's education staff before the
2023 enrolment season. The demo builds a staff directory of 2,050 people across the bureau and
30 Qixing schools (the two named in the reports plus 28 invented ones), and one completed
campaign with a delivery record per person. Everything is bulk-created and keyed on natural
keys (mobile number per district, campaign title), so running it again changes nothing.
"""

import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from sunshine.core import audit
from sunshine.core.models import District, Organisation, User
from sunshine.reminders.models import (
    Campaign,
    Channel,
    Delivery,
    MessageTemplate,
    StaffMember,
)

EXTRA_SCHOOLS = [
    "七星区穿山小学",
    "七星区东江小学",
    "七星区漓东小学",
    "七星区朝阳小学",
    "七星区施家园小学",
    "七星区七星小学",
    "七星区花江小学",
    "七星区桂花小学",
    "七星区甲山小学",
    "七星区大河小学",
    "七星区普陀小学",
    "七星区月牙小学",
    "七星区骝马山小学",
    "七星区三里店小学",
    "七星区新民小学",
    "七星区桂林路小学",
    "七星区芳园小学",
    "七星区高新实验小学",
    "七星区第一中学",
    "七星区第二中学",
    "七星区第三中学",
    "七星区第四中学",
    "七星区第五中学",
    "七星区穿山中学",
    "七星区东江中学",
    "七星区朝阳中学",
    "七星区实验中学",
    "七星区育才学校",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢覃韦莫蓝"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国海燕文婷雪梅志宏晓东春林凤琳颖慧"
TEMPLATE_NAME = "2023年廉洁招生提醒"
CAMPAIGN_TITLE = "2023年义务教育招生廉洁提醒"
DRAFT_TITLE = "2026年义务教育招生廉洁提醒（学校领导、招生人员、局领导）"
BODY = (
    "{姓名}同志：您好！2023年义务教育招生工作即将开始（报名时间{报名开始}至{报名截止}）。"
    "请严格遵守招生纪律，坚持阳光招生，不违规操作，不收受家长财物，坚决杜绝“人情生、关系生、金钱生”。"
    "如发现违纪违规问题，请拨打监督举报电话{举报电话}。"
    "——七星区纪委监委驻区教育局纪检监察组\n阅读并确认：{链接}"
)


def _people(rng: random.Random):
    """(organisation name, name, position, category) for 2,050 people."""
    bureau = [("七星区教育局", "局长", "bureau_leader")]
    bureau += [("七星区教育局", "副局长", "bureau_leader")] * 4
    bureau += [("七星区教育局", "党组成员", "bureau_leader")] * 3
    bureau += [("七星区教育局", "科员", "other")] * 42
    bureau += [("七星区教育局基础教育股", "招生专干", "enrolment")] * 6
    bureau += [("七星区教育局基础教育股", "股长", "enrolment")] * 2
    schools = ["龙隐小学", "汇通小学", *EXTRA_SCHOOLS]
    rows = list(bureau)
    per_school = (2050 - len(rows)) // len(schools)
    extra = (2050 - len(rows)) % len(schools)
    for i, school in enumerate(schools):
        n = per_school + (1 if i < extra else 0)
        roles = [("校长", "school_leader"), ("党支部书记", "school_leader")]
        roles += [("副校长", "school_leader")] * 2
        roles += [("招生工作组成员", "enrolment")] * 6
        roles += [("教师", "other")] * (n - len(roles))
        rows += [(school, pos, cat) for pos, cat in roles]
    for org, pos, cat in rows:
        yield org, rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))), pos, cat


@transaction.atomic
def load(stdout=None) -> None:
    district = District.objects.filter(code="450305").first()
    if district is None:
        return
    bureau = Organisation.objects.get(district=district, name="七星区教育局")
    orgs = {o.name: o for o in Organisation.objects.filter(district=district)}
    for name in EXTRA_SCHOOLS:
        if name not in orgs:
            orgs[name], _ = Organisation.objects.get_or_create(
                district=district, name=name, defaults={"kind": "school", "parent": bureau}
            )

    rng = random.Random(2023)
    known = set(StaffMember.objects.filter(district=district).values_list("mobile", flat=True))
    new = []
    for i, (org, name, position, category) in enumerate(_people(rng)):
        mobile = f"1390773{i:04d}"
        if mobile in known:
            continue
        email = f"qx{i:04d}@qxedu.example.cn" if category != "other" else ""
        new.append(
            StaffMember(
                district=district,
                organisation=orgs[org],
                name=name,
                position=position,
                category=category,
                mobile=mobile,
                email=email,
            )
        )
    StaffMember.objects.bulk_create(new, batch_size=1000)

    inspector = User.objects.filter(username="inspector_qx1").first()
    template, _ = MessageTemplate.objects.get_or_create(
        district=district,
        name=TEMPLATE_NAME,
        defaults={
            "subject": "【廉洁提醒】{姓名}同志，请严守招生纪律",
            "body": BODY,
            "created_by": inspector,
        },
    )
    sent_at = timezone.make_aware(datetime(2023, 7, 20, 9, 0))
    campaign, created = Campaign.objects.get_or_create(
        district=district,
        title=CAMPAIGN_TITLE,
        defaults={
            "template": template,
            "subject": template.subject,
            "body": template.body,
            "channel": Channel.SMS,
            "season_start": date(2023, 8, 1),
            "season_end": date(2023, 8, 10),
            "status": Campaign.Status.COMPLETED,
            "created_by": inspector,
            "created_at": sent_at - timedelta(days=1),
            "queued_at": sent_at,
            "started_at": sent_at,
            "completed_at": sent_at + timedelta(minutes=3),
            "heartbeat_at": sent_at + timedelta(minutes=3),
        },
    )
    if not campaign.deliveries.exists():
        rng = random.Random(720)
        deliveries = []
        staff = StaffMember.objects.filter(district=district, active=True).order_by("id")
        for person in staff.only("id", "organisation_id", "mobile", "email"):
            d = Delivery.for_staff(campaign, person)
            roll = rng.random()
            if roll < 0.005:
                d.state = Delivery.State.FAILED
                d.failure_reason = rng.choice(["短信网关拒绝（HTTP 400）", "号码为空号或已停机"])
            else:
                d.sent_at = sent_at + timedelta(seconds=rng.randint(0, 170))
                d.state = Delivery.State.SENT
                if roll < 0.85:
                    d.state = Delivery.State.READ
                    d.read_at = d.sent_at + timedelta(minutes=rng.randint(1, 2880))
                if roll < 0.70:
                    d.state = Delivery.State.ACKNOWLEDGED
                    d.acknowledged_at = d.read_at + timedelta(minutes=rng.randint(0, 30))
            d.attempts = 1
            deliveries.append(d)
        Delivery.objects.bulk_create(deliveries, batch_size=1000)
        figures = campaign.figures()
        audit.record(
            "reminders.campaign_completed",
            campaign,
            actor=inspector,
            payload={k: figures[k] for k in ("total", "delivered", "failed")} | {"by": "seed_demo"},
        )
    # This year's reminder, ready to preview and send (it needs `make worker` running).
    Campaign.objects.get_or_create(
        district=district,
        title=DRAFT_TITLE,
        defaults={
            "template": template,
            "channel": Channel.SMS,
            "categories": ["school_leader", "enrolment", "bureau_leader"],
            "season_start": date(2026, 7, 1),
            "season_end": date(2026, 7, 10),
            "created_by": inspector,
        },
    )
    if stdout:
        f = campaign.figures()
        stdout.write(
            f"reminders: {StaffMember.objects.filter(district=district).count()} staff, "
            f"{f['delivered']} of {f['total']} integrity reminders delivered, "
            f"{f['read']} read, {f['acknowledged']} acknowledged"
        )
