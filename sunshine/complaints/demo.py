"""Demo complaints, from the seeds' facts.

Seed 000 (Qixing, 2023): complaints about enrolment are handled on a fast track (快查快办) to stop
officials taking bribes and helping children "jump the queue" (加塞) offline; inspectors called
the schools' enrolment phones as parents. Seed 001 (Ziliujing): "scan the code to report" (码上举报).
Each demo complaint has a fixed receipt code (printed by seed_demo) so a visitor can follow it.
Idempotent: a complaint whose receipt code already opens a case is not filed again.
"""

from django.db import transaction

from sunshine.complaints.models import Complaint
from sunshine.core.models import District, Organisation, User

C = Complaint.Category
S = Complaint.SubjectKind

DEMO = [
    {
        "code": "2020070100000001",
        "district": "510302",
        "subject_kind": S.SCHOOL,
        "org": "檀木林小学",
        "category": C.QUEUE_JUMPING,
        "text": "报名现场有人对家长说，交两万元就能不参加摇号、直接“加塞”进檀木林小学，"
        "还留了一个微信号。我没有交钱，但身边有家长在打听。",
        "when": "2020年7月摇号前一周",
        "steps": [
            ("accept", {}),
            ("reply", {"text": "您反映的问题已受理，我们正在核查，请保持查询码，关注办理进度。"}),
        ],
    },
    {
        "code": "2020070100000002",
        "district": "510302",
        "subject_kind": S.SCHOOL,
        "org": "塘坎上小学",
        "category": C.STAFF_CONDUCT,
        "text": "塘坎上小学招生咨询电话一上午都没人接，到学校问政策，接待老师态度很不耐烦。",
        "when": "2020年7月6日上午",
        "name": "杨女士",
        "steps": [
            ("forward", {"to": "自流井区教育和体育局", "note": "请教体局督促学校整改并答复。"}),
            ("reply", {"text": "已约谈学校招生负责人，咨询电话安排专人值守。", "by": "bureau_zlj"}),
            (
                "conclude",
                {
                    "findings": "经查，反映情况属实。学校已安排专人值守招生咨询电话，"
                    "并对接待教师进行了批评教育。感谢您的监督。"
                },
            ),
        ],
    },
    {
        "code": "2023071000000003",
        "district": "450305",
        "subject_kind": S.SCHOOL,
        "org": "龙隐小学",
        "category": C.BRIBERY,
        "text": "听说有家长给龙隐小学的老师送购物卡，想把不在学区的孩子报进来。",
        "when": "2023年7月",
        "steps": [],
    },
    {
        "code": "2023071000000004",
        "district": "450305",
        "subject_kind": S.PERSON,
        "subject_name": "某在职数学教师",
        "category": C.DOUBLE_REDUCTION,
        "text": "汇通小学一名在职数学老师暑假在小区里办补习班，每人每月收费八百元。",
        "when": "2023年暑假",
        "steps": [("accept", {})],
    },
]


@transaction.atomic
def load(stdout=None) -> None:
    inspectors = {
        "510302": User.objects.get(username="inspector_zlj"),
        "450305": User.objects.get(username="inspector_qx1"),
    }
    filed = 0
    for spec in DEMO:
        if Complaint.objects.find_by_receipt(spec["code"]) is not None:
            continue
        district = District.objects.get(code=spec["district"])
        org = (
            Organisation.objects.get(district=district, name=spec["org"])
            if spec.get("org")
            else None
        )
        complaint, _ = Complaint.submit(
            district=district,
            subject_kind=spec["subject_kind"],
            subject_org=org,
            subject_name=spec.get("subject_name", ""),
            category=spec["category"],
            text=spec["text"],
            when=spec["when"],
            reporter_name=spec.get("name", ""),
            code=spec["code"],
        )
        inspector = inspectors[spec["district"]]
        for verb, args in spec["steps"]:
            args = dict(args)
            by = User.objects.get(username=args.pop("by")) if "by" in args else inspector
            if verb == "forward":
                args["to"] = Organisation.objects.get(district=district, name=args["to"])
            getattr(complaint, verb)(by=by, **args)
        filed += 1
    if stdout:
        codes = ", ".join(spec["code"] for spec in DEMO)
        stdout.write(f"complaints: {filed} filed; demo receipt codes: {codes}")
