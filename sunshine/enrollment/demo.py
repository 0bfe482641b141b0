"""Enrolment demo data built from the seeds' facts, deterministic and safe to load again.

Ziliujing (自贡市自流井区) 2020: under 《2020年义务教育阶段学校招生工作意见》 the surplus places of
檀木林小学 (TML) and 塘坎上小学 (TKS), 30 each, go to a computer random lottery because more
children were found eligible than there are places (48 at TML, 41 at TKS). TML has a pair of
twins and a set of triplets; ten children applied to both schools with a first and a second
choice. Qixing (桂林市七星区) 2023: 龙隐小学 and 汇通小学 have enough places, no lottery.

Children, guardians, ID numbers and telephone numbers are invented (ID numbers pass the
checksum only so that the checks can be shown); street names are approximate.
"""

import random
from datetime import date, timedelta

from django.db import transaction

from sunshine.core.models import District, Organisation, User
from sunshine.enrollment.models import (
    Applicant,
    Application,
    ComplaintChannel,
    EnrolmentPlan,
    PolicyDocument,
    PriorityGroup,
    School,
    Zone,
)
from sunshine.lib import idcard

SEED = 20200720
S = Application.Status

SCHOOLS = {
    "510302": [
        {
            "name": "檀木林小学",
            "code": "TML",
            "address": "自贡市自流井区檀木林街",
            "phone": "0813-2100101",
            "enrolment_phone": "0813-2100102",
            "zones": [
                ("檀木林街", "全段"),
                ("五星街", "全段"),
                ("中华路", "单号"),
                ("光大街", ""),
                ("檀木林社区", "含辖区内各居民小区"),
                ("十字口", ""),
            ],
            "plan": {"total": 270, "zoned": 240, "surplus": 30},
        },
        {
            "name": "塘坎上小学",
            "code": "TKS",
            "address": "自贡市自流井区塘坎上街",
            "phone": "0813-2100201",
            "enrolment_phone": "0813-2100202",
            "zones": [
                ("东兴寺街", "全段"),
                ("郭家坳街", "全段"),
                ("新街", ""),
                ("学苑街", ""),
                ("塘坎上街", ""),
                ("丹桂大道", "东段"),
            ],
            "plan": {"total": 225, "zoned": 195, "surplus": 30},
        },
    ],
    "450305": [
        {
            "name": "龙隐小学",
            "code": "LY",
            "address": "桂林市七星区龙隐路",
            "phone": "0773-5800101",
            "enrolment_phone": "0773-5800102",
            "zones": [("龙隐路", ""), ("穿山东路", "北段"), ("七星路", "单号")],
            "plan": {"total": 180, "zoned": 135, "surplus": 45},
        },
        {
            "name": "汇通小学",
            "code": "HT",
            "address": "桂林市七星区汇通路",
            "phone": "0773-5800201",
            "enrolment_phone": "0773-5800202",
            "zones": [("汇通路", ""), ("建干路", ""), ("朝阳路", "南段")],
            "plan": {"total": 160, "zoned": 120, "surplus": 40},
        },
    ],
}

POLICIES = {
    "510302": (
        2020,
        "2020年义务教育阶段学校招生工作意见",
        date(2020, 6, 10),
        """为提升义务教育质量、完善招生考试制度、保障教育公平，自流井区对义务教育招生政策作如下调整：

一、公办小学按学区划分招生，学区范围、招生计划、报名时间和监督举报方式在报名前向社会公布。
二、适龄儿童（2013年9月1日至2014年8月31日出生）由监护人持户口簿、房产证明或租赁备案、出生医学证明报名，学校对报名材料进行资格审核，审核结论及理由告知家长。
三、学区内学位按顺位录取：第一顺位户籍与居住均在学区；第二顺位居住在学区；第三顺位其他。
四、公（民）办学校富余学位由区教育和体育局组织实施电脑摇号随机录取；学位申请人数大于富余学位的学校适用本条。多胞胎作为一个整体参加摇号。
五、摇号现场邀请人大代表、政协委员、公证部门、学校代表参加，每校随机抽取5名参与摇号的家长作为代表全程监督，全程录音录像，结果第一时间在自贡市教育招生平台公布。
六、区纪委监委派驻区教育和体育局纪检监察组对招生全过程进行监督，坚决杜绝“人情生”“关系生”“金钱生”。""",
    ),
    "450305": (
        2023,
        "七星区2023年秋季学期义务教育招生工作方案",
        date(2023, 6, 20),
        """一、严格执行招生工作方案和学区划分，招生信息、计划和监督举报方式在网站、公众号公布。
二、报名材料审核做到合理有序，招生电话保持畅通，耐心做好政策解读。
三、对涉及招生工作的信访举报实行快查快办，杜绝线下帮助“加塞”入学。""",
    ),
}

PLAN_DATES = {
    "510302": (2020, date(2020, 6, 20), date(2020, 7, 5), date(2020, 7, 16)),
    "450305": (2023, date(2023, 7, 1), date(2023, 7, 15), None),
}

GROUPS = [
    (1, "户籍与居住均在学区", "儿童及监护人户籍与实际居住地均在本学区"),
    (2, "居住在学区", "实际居住地在本学区，户籍不在本学区"),
    (3, "其他", "户籍与居住地均不在本学区"),
]

CHANNELS = {
    "510302": [
        ("phone", "自流井区纪委监委", "0813-8111407", "工作日 9:00-17:00"),
        ("address", "自流井区纪委监委", "自贡汇东丹桂大道自流井区机关大楼", ""),
        ("online", "自井纪检监察“码上举报”", "微信公众号“自井纪检监察”扫码举报", "全天"),
    ],
    "450305": [
        ("phone", "七星区纪委监委", "0773-12388", "工作日"),
        ("online", "清廉桂林", "微信公众号“清廉桂林”", "全天"),
    ],
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "子浩宇轩梓涵欣怡一诺雨泽思彤俊熙佳琪诗雨晨阳若曦沐辰语桐明轩可馨博文嘉怡天佑雅琪皓然安琪睿哲欣妍梓萱宇航"
ADULT = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲"
OUTSIDE = ["自贡市贡井区长征路", "自贡市大安区大山铺镇", "自贡市沿滩区沿滩镇", "内江市市中区"]


def _name(rng, surname=None, pool=GIVEN, length=2):
    surname = surname or rng.choice(SURNAMES)
    return surname + "".join(rng.choice(pool) for _ in range(length))


def _phone(rng):
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


class _Factory:
    """Builds children deterministically; ``seq`` keeps ID numbers distinct."""

    def __init__(self, district, year, region, zones, rng):
        self.district, self.year, self.region, self.zones, self.rng = (
            district,
            year,
            region,
            zones,
            rng,
        )
        self.seq = 100
        # Numbers drawn in this run only, so a second run draws exactly the same sequence.
        self.numbers: set[str] = set()

    def number(self):
        while True:
            n = f"{self.year}-{self.rng.randrange(10**8):08d}"
            if n not in self.numbers:
                self.numbers.add(n)
                return n

    def child(self, school_code, priority, born=None, surname=None, guardian=None, address=None):
        rng = self.rng
        low = date(self.year - 7, 9, 1)
        born = born or low + timedelta(days=rng.randrange(365))
        self.seq += rng.randrange(1, 7)
        id_number = idcard.make(self.region, born, self.seq)
        surname = surname or rng.choice(SURNAMES)
        street = rng.choice(self.zones[school_code])
        home = address or f"{street}{rng.randrange(1, 180)}号"
        if priority == 1:
            hukou, residence = home, home
        elif priority == 2:
            hukou, residence = f"{rng.choice(OUTSIDE)}{rng.randrange(1, 90)}号", home
        else:
            hukou = residence = f"{rng.choice(OUTSIDE)}{rng.randrange(1, 90)}号"
        # Draw everything before looking at the database: a second run must consume the random
        # sequence exactly like the first one to find the same children again.
        fields = {
            "number": self.number(),
            "name": _name(rng, surname),
            "gender": rng.choice("MF"),
            "birth_date": born,
            "guardian_name": guardian or _name(rng, surname, ADULT, 1),
            "guardian_phone": _phone(rng),
            "hukou_address": hukou,
            "residence_address": residence,
        }
        applicant, _ = Applicant.objects.get_or_create(
            district=self.district, year=self.year, id_number=id_number, defaults=fields
        )
        return applicant


REASONS = {
    S.ELIGIBLE: [
        "户口簿、房产证明与出生医学证明齐全，符合入学条件",
        "居住证明与租赁备案一致，符合入学条件",
        "材料齐全，年龄符合，资格审核通过",
    ],
    S.INELIGIBLE: [
        "出生日期不在2013年9月1日至2014年8月31日之间，不符合入学年龄",
        "户籍与居住地均不在本区，且无合法稳定居住证明",
        "同一儿童已在民办学校录取，不再参加本校审核",
    ],
    S.NEEDS_DOCUMENTS: [
        "缺少房产证明或租赁合同备案，请于7月3日前补交",
        "户口簿页面不清晰，请补交清晰扫描件",
    ],
    S.UNDER_REVIEW: ["正在核对居住证明"],
}


def _apply(applicant, school, preference, priority, status, reviewer, rng, group=""):
    application, created = Application.objects.get_or_create(
        applicant=applicant,
        school=school,
        year=applicant.year,
        defaults={"preference": preference, "priority": priority, "multiple_birth_group": group},
    )
    reason = rng.choice(REASONS.get(status, [""]))  # drawn every run: keeps the sequence stable
    if not created or status == S.SUBMITTED:
        return application
    application.decide(S.UNDER_REVIEW, "开始资格审核", reviewer)
    if status != S.UNDER_REVIEW:
        application.decide(status, reason, reviewer)
    return application


def _zlj_applicants(district, schools, zones, reviewers):
    rng = random.Random(SEED)
    make = _Factory(district, 2020, "510302", zones, rng)
    tml, tks = schools["TML"], schools["TKS"]
    r_tml, r_tks = reviewers["TML"], reviewers["TKS"]

    def prio():
        return rng.choices([1, 2, 3], weights=[5, 3, 2])[0]

    # Ten children apply to both schools: six want TML first, four TKS first.
    for i in range(10):
        first, second = (tml, tks) if i < 6 else (tks, tml)
        p = prio()
        child = make.child(first.code, p)
        _apply(child, first, 1, p, S.ELIGIBLE, reviewers[first.code], rng)
        _apply(child, second, 2, p, S.ELIGIBLE, reviewers[second.code], rng)
    # Twins and triplets at TML: one bundle each in the lottery.
    for size, group in ((2, "TML-2020-双胞胎-1"), (3, "TML-2020-三胞胎-1")):
        born = date(2013, 9, 1) + timedelta(days=rng.randrange(365))
        surname = rng.choice(SURNAMES)
        guardian = _name(rng, surname, ADULT, 1)
        home = f"{rng.choice(zones['TML'])}{rng.randrange(1, 180)}号"
        for _ in range(size):
            child = make.child("TML", 1, born, surname, guardian, home)
            _apply(child, tml, 1, 1, S.ELIGIBLE, r_tml, rng, group)
    for school, reviewer, eligible, others in (
        (tml, r_tml, 33, [S.INELIGIBLE] * 3 + [S.NEEDS_DOCUMENTS] * 2 + [S.UNDER_REVIEW] * 2),
        (tks, r_tks, 31, [S.INELIGIBLE] * 2 + [S.NEEDS_DOCUMENTS] * 2 + [S.UNDER_REVIEW]),
    ):
        for status in [S.ELIGIBLE] * eligible + others + [S.SUBMITTED]:
            p = prio()
            child = make.child(school.code, p)
            _apply(child, school, 1, p, status, reviewer, rng)


def _qx_applicants(district, schools, zones, reviewers):
    rng = random.Random(SEED + 1)
    make = _Factory(district, 2023, "450305", zones, rng)
    for code, eligible in (("LY", 24), ("HT", 19)):
        for status in [S.ELIGIBLE] * eligible + [S.NEEDS_DOCUMENTS, S.SUBMITTED]:
            p = rng.choice([1, 1, 2, 3])
            child = make.child(code, p)
            _apply(child, schools[code], 1, p, status, reviewers[code], rng)


@transaction.atomic
def load(stdout=None) -> None:
    reviewers = {}
    for district_code, specs in SCHOOLS.items():
        district = District.objects.get(code=district_code)
        year, start, end, lottery = PLAN_DATES[district_code]
        policy_year, title, published, body = POLICIES[district_code]
        PolicyDocument.objects.update_or_create(
            district=district,
            title=title,
            defaults={"year": policy_year, "body": body, "published_at": published},
        )
        for order, (kind, name, contact, hours) in enumerate(CHANNELS[district_code]):
            ComplaintChannel.objects.update_or_create(
                district=district,
                kind=kind,
                contact=contact,
                defaults={"name": name, "hours": hours, "order": order},
            )
        schools, zones = {}, {}
        for spec in specs:
            org = Organisation.objects.get(district=district, name=spec["name"])
            school, _ = School.objects.update_or_create(
                organisation=org,
                defaults={
                    "code": spec["code"],
                    "address": spec["address"],
                    "phone": spec["phone"],
                    "enrolment_phone": spec["enrolment_phone"],
                },
            )
            schools[spec["code"]] = school
            zones[spec["code"]] = [z for z, _note in spec["zones"]]
            for zone_name, note in spec["zones"]:
                Zone.objects.update_or_create(
                    school=school, name=zone_name, defaults={"note": note}
                )
            places = spec["plan"]
            plan, _ = EnrolmentPlan.objects.update_or_create(
                school=school,
                year=year,
                defaults={
                    "total_places": places["total"],
                    "zoned_places": places["zoned"],
                    "surplus_places": places["surplus"],
                    "application_start": start,
                    "application_end": end,
                    "lottery_date": lottery,
                    "published": True,
                    "rules": (
                        f"依据《{title}》：学区内学位按顺位录取；富余学位 {places['surplus']} 个，"
                        "资格审核通过人数超过富余学位时，由区教育行政部门组织电脑随机摇号录取，"
                        "多胞胎作为一个整体参加摇号；摇号全程公证、录音录像，结果当场公布。"
                    ),
                },
            )
            for rank, name, description in GROUPS:
                PriorityGroup.objects.update_or_create(
                    plan=plan, rank=rank, defaults={"name": name, "description": description}
                )
            reviewers[spec["code"]] = User.objects.filter(organisation=org).first()
        if district_code == "510302":
            _zlj_applicants(district, schools, zones, reviewers)
        else:
            _qx_applicants(district, schools, zones, reviewers)
    if stdout:
        lines = []
        for plan in EnrolmentPlan.objects.with_counts().select_related("school__organisation"):
            flag = "摇号" if plan.oversubscribed else "无需摇号"
            lines.append(
                f"{plan.school.code} {plan.year}: {plan.eligible_known}/{plan.surplus_places} {flag}"
            )
        stdout.write("enrollment: " + "; ".join(lines))
