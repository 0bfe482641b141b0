"""The seeds' supervision work as records; the dashboard counts them back.

Seed 000 (七星区, 2023 秋季招生): 3 inspection groups, phone calls and unannounced visits as a
parent, 5 problems found, all 5 rectified and verified at look-back.
Seed 002 (七星区, 双减): 2 rounds, 5 meetings, 23 documents reviewed, 21 problems found, 5
rectification proposals, 3 rules improved, 10+ training institutions suspended (training app),
20 problems rectified, reminder talks with 2 people.
Seed 001 (自流井区, 2020): the stationed group supervised the lottery; one visit, no problems.
"""

import datetime

from django.db import transaction

from sunshine.core.models import District, Organisation, User
from sunshine.oversight.checklists import install_standard
from sunshine.oversight.models import (
    Accountability,
    Answer,
    Campaign,
    InspectionGroup,
    Problem,
    Recommendation,
    Visit,
)

D = datetime.date
QX_GROUP = "七星区纪委监委驻区教育局纪检监察组"
QX_BUREAU = "七星区教育局"
QX_DEPT = "七星区教育局基础教育股"
EXTRA_SCHOOLS = ["穿山小学", "七星中学", "东江幼儿园", "朝阳小学"]


def _visit(
    campaign,
    subject,
    date,
    method,
    *,
    mode="open",
    group=None,
    purpose="inspection",
    round=1,
    documents=0,
    notes="",
    by=None,
):
    visit, _ = Visit.objects.get_or_create(
        campaign=campaign,
        subject=subject,
        date=date,
        method=method,
        purpose=purpose,
        defaults={
            "mode": mode,
            "group": group,
            "round": round,
            "documents_reviewed": documents,
            "notes": notes,
            "created_by": by,
        },
    )
    return visit


def _answer_checklist(visit, failing: str, failing_value: str = "no") -> None:
    """Answer the checklist's yes/no items as compliant except the one the visit found."""
    for item in visit.items():
        if item.text == failing:
            value, ok = failing_value, False
        elif item.answer_type == "yes_no":
            value, ok = "yes", True
        else:
            continue
        Answer.objects.get_or_create(
            visit=visit, item=item, defaults={"value": value, "compliant": ok}
        )


def _problem(
    campaign,
    visit,
    description,
    category,
    *,
    by,
    deadline,
    demand,
    person="",
    verify_on=None,
    lookback_group=None,
    report="",
):
    """Raise (once) and, if the seed says it was rectified, walk it through the whole loop."""
    problem = Problem.objects.filter(campaign=campaign, description=description).first()
    if problem is None:
        problem = Problem.raise_new(
            description=description,
            by=by,
            source=Problem.Source.VISIT,
            category=category,
            visit=visit,
            deadline=deadline,
            demand=demand,
            responsible_person=person,
            found_on=visit.date,
        )
    if problem.status == Problem.Status.OPEN:
        problem.start_rectifying(by=by)
    if verify_on is None:
        return problem
    if problem.status == Problem.Status.RECTIFYING:
        problem.report_rectification(
            text=report or "已按要求完成整改，相关制度和公示材料已更新。", by=by
        )
    if problem.status == Problem.Status.REPORTED:
        lookback = _visit(
            campaign,
            problem.subject,
            verify_on,
            Visit.Method.ONSITE,
            group=lookback_group or visit.group,
            purpose=Visit.Purpose.LOOKBACK,
            round=visit.round,
            notes="督查“回头看”：现场核查整改情况。",
            by=by,
        )
        problem.verify(visit=lookback, note="经回头看核查，整改到位，予以销号。", by=by)
    return problem


@transaction.atomic
def load(stdout=None) -> None:
    versions = install_standard()
    qixing = District.objects.get(code="450305")
    zlj = District.objects.get(code="510302")
    org = {o.name: o for o in Organisation.objects.filter(district__in=[qixing, zlj])}
    bureau = org[QX_BUREAU]
    for name in EXTRA_SCHOOLS:
        o, _ = Organisation.objects.get_or_create(
            district=qixing,
            name=name,
            defaults={"kind": Organisation.Kind.SCHOOL, "parent": bureau},
        )
        org[name] = o
    users = {u.username: u for u in User.objects.filter(username__startswith="inspector_")}
    lead = users["inspector_qx1"]

    # --- Seed 000: 2023 autumn sunshine enrolment ---------------------------------------------
    enrol, _ = Campaign.objects.get_or_create(
        district=qixing,
        title="2023年秋季学期招生入学专项监督检查",
        defaults={
            "scope": "辖区各中小学及幼儿园：招生程序、资格审定、报名材料审核，事前、事中、事后全过程跟进",
            "starts_on": D(2023, 7, 10),
            "ends_on": D(2023, 9, 15),
            "lead_office": org[QX_GROUP],
            "checklist": versions["sunshine-enrolment"],
        },
    )
    groups = []
    for i, name in enumerate(["第一检查组", "第二检查组", "第三检查组"], start=1):
        g, _ = InspectionGroup.objects.get_or_create(campaign=enrol, name=name)
        g.members.add(users[f"inspector_qx{i}"])
        groups.append(g)
    g1, g2, g3 = groups
    M = Visit.Method
    plan = [
        (g1, "汇通小学", D(2023, 7, 18), M.PHONE, "unannounced", "以家长身份拨打招生咨询电话。"),
        (g1, "汇通小学", D(2023, 7, 20), M.ONSITE, "open", "核查招生工作方案执行、学区划分公示。"),
        (
            g1,
            "龙隐小学",
            D(2023, 7, 19),
            M.INTERVIEW,
            "unannounced",
            "以家长身份现场咨询报名材料要求。",
        ),
        (g2, "龙隐小学", D(2023, 7, 21), M.ONSITE, "open", "核查报名材料审核记录。"),
        (g2, "穿山小学", D(2023, 7, 24), M.ONSITE, "unannounced", "明察暗访：学区划分公示情况。"),
        (
            g2,
            "朝阳小学",
            D(2023, 7, 25),
            M.PHONE,
            "unannounced",
            "电话咨询：招生电话畅通，政策解读到位。",
        ),
        (
            g3,
            "七星中学",
            D(2023, 7, 26),
            M.INTERVIEW,
            "unannounced",
            "随机询问前来报名的家长和接待老师。",
        ),
        (g3, "东江幼儿园", D(2023, 7, 27), M.ONSITE, "open", "检查招生简章和公示栏。"),
        (
            g3,
            QX_BUREAU,
            D(2023, 7, 12),
            M.DOCUMENTS,
            "open",
            "查阅招生工作方案、招生计划和监督举报方式的公布情况。",
        ),
    ]
    v = {}
    for group, subject, date, method, mode, notes in plan:
        v[(subject, method)] = _visit(
            enrol,
            org[subject],
            date,
            method,
            mode=mode,
            group=group,
            notes=notes,
            by=lead,
            documents=4 if method == M.DOCUMENTS else 0,
        )
    enrol_problems = [
        (
            ("汇通小学", M.PHONE),
            "招生咨询电话工作时间内多次无人接听",
            "service",
            "安排专人值守招生咨询电话并公布备用号码",
            D(2023, 8, 4),
        ),
        (
            ("龙隐小学", M.INTERVIEW),
            "要求家长重复提交已在招生平台上传的居住证明，报名材料审核不够合理",
            "enrolment",
            "按招生工作方案规定的材料清单审核，不得额外要求",
            D(2023, 8, 4),
        ),
        (
            ("穿山小学", M.ONSITE),
            "学区划分范围未在学校显著位置公示",
            "disclosure",
            "在校门口公示栏公示学区划分范围",
            D(2023, 8, 7),
        ),
        (
            ("七星中学", M.INTERVIEW),
            "接待老师对随迁子女入学政策解读不清",
            "service",
            "组织招生工作人员学习招生政策，统一解读口径",
            D(2023, 8, 9),
        ),
        (
            ("东江幼儿园", M.ONSITE),
            "招生简章中未公布监督举报电话",
            "disclosure",
            "补充公布区纪委监委监督举报电话和来信地址",
            D(2023, 8, 10),
        ),
    ]
    failing = {
        ("汇通小学", M.PHONE): ("招生咨询电话是否畅通", "no"),
        ("龙隐小学", M.INTERVIEW): ("报名材料审核是否合理有序", "不合理"),
        ("穿山小学", M.ONSITE): ("学区划分是否公布", "no"),
        ("七星中学", M.INTERVIEW): ("招生工作政策解读是否到位", "no"),
        ("东江幼儿园", M.ONSITE): ("监督举报方式是否公布", "no"),
        ("朝阳小学", M.PHONE): ("", ""),
    }
    for key, (item_text, value) in failing.items():
        _answer_checklist(v[key], item_text, value)
    for key, desc, cat, demand, deadline in enrol_problems:
        visit = v[key]
        _problem(
            enrol,
            visit,
            desc,
            cat,
            by=lead,
            deadline=deadline,
            demand=demand,
            verify_on=deadline + datetime.timedelta(days=3),
        )

    # --- Seed 002: double reduction --------------------------------------------------------------
    dr, _ = Campaign.objects.get_or_create(
        district=qixing,
        title="“双减”政策落实情况专项监督检查",
        defaults={
            "scope": "教育部门、中小学校、校外培训机构：校内学生减负和校外培训监管；压实责任+跟踪问效+回头看",
            "starts_on": D(2021, 9, 1),
            "ends_on": D(2021, 12, 31),
            "lead_office": org[QX_GROUP],
            "checklist": versions["double-reduction"],
        },
    )
    sq, _ = InspectionGroup.objects.get_or_create(campaign=dr, name="专项督查组")
    sq.members.add(users["inspector_qx1"], users["inspector_qx2"])
    hk, _ = InspectionGroup.objects.get_or_create(campaign=dr, name="回头看整改问效组")
    hk.members.add(users["inspector_qx3"])
    # 5 meetings (专班会等) and 23 documents reviewed, recorded on the visits that did them.
    meetings = [D(2021, 9, 6), D(2021, 9, 27), D(2021, 10, 18), D(2021, 11, 15), D(2021, 12, 13)]
    for i, day in enumerate(meetings):
        _visit(
            dr,
            bureau,
            day,
            M.MEETING,
            group=sq,
            round=1 if i < 3 else 2,
            notes="参加“双减”工作专班会，听取工作汇报。",
            by=lead,
        )
    docs = [
        (D(2021, 9, 8), 9, 1),
        (D(2021, 10, 20), 6, 1),
        (D(2021, 11, 17), 5, 2),
        (D(2021, 12, 15), 3, 2),
    ]
    for day, n, rnd in docs:
        _visit(
            dr,
            org[QX_DEPT],
            day,
            M.DOCUMENTS,
            group=sq,
            round=rnd,
            documents=n,
            notes="查阅“双减”工作方案、课后服务和校外培训监管文件资料。",
            by=lead,
        )
    inst = {
        o.name: o
        for o in Organisation.objects.filter(district=qixing, kind=Organisation.Kind.TRAINING)
    }
    T = "七星区"
    dr_problems = [
        # subject, method, mode, round, date, description, category
        (
            "穿山小学",
            M.ONSITE,
            "open",
            1,
            D(2021, 9, 14),
            "个别小学音体美等专业教师紧缺，无法提供音体美等方面的课后服务",
            "after_school",
        ),
        (
            "汇通小学",
            M.ONSITE,
            "open",
            1,
            D(2021, 9, 15),
            "音体美专业教师不足，课后服务以作业辅导为主，拓展活动单一",
            "after_school",
        ),
        (
            "朝阳小学",
            M.ONSITE,
            "open",
            1,
            D(2021, 9, 16),
            "课后服务安排表未向家长公示",
            "after_school",
        ),
        (
            "龙隐小学",
            M.QUESTIONNAIRE,
            "open",
            1,
            D(2021, 9, 17),
            "作业公示制度未落实，个别班级作业量偏大",
            "homework",
        ),
        (
            "七星中学",
            M.QUESTIONNAIRE,
            "open",
            1,
            D(2021, 9, 22),
            "年级作业统筹记录缺失",
            "homework",
        ),
        ("朝阳小学", M.DOCUMENTS, "open", 1, D(2021, 9, 23), "课后服务收费标准未公示", "fees"),
        ("七星中学", M.DOCUMENTS, "open", 1, D(2021, 9, 24), "课后服务收费未单独建账", "fees"),
        ("穿山小学", M.DOCUMENTS, "open", 1, D(2021, 9, 28), "课后服务补贴发放标准不明确", "fees"),
        (
            "七星中学",
            M.INTERVIEW,
            "unannounced",
            1,
            D(2021, 9, 29),
            "发现在职教师违规私自开课线索",
            "tutoring",
        ),
        (
            "龙隐小学",
            M.INTERVIEW,
            "unannounced",
            1,
            D(2021, 9, 30),
            "发现在职教师周末有偿补课线索",
            "tutoring",
        ),
        (
            f"{T}穿山路某作业辅导班",
            M.ONSITE,
            "unannounced",
            1,
            D(2021, 10, 11),
            "无证开展学科类培训",
            "training",
        ),
        (
            f"{T}东江社区某小班补习点",
            M.ONSITE,
            "unannounced",
            1,
            D(2021, 10, 12),
            "无证开展学科类培训，场地存在安全隐患",
            "training",
        ),
        (
            f"{T}启航学科培训学校",
            M.ONSITE,
            "open",
            1,
            D(2021, 10, 13),
            "“双减”后仍在周末开展学科类培训",
            "training",
        ),
        (
            f"{T}博学教育培训中心",
            M.ONSITE,
            "open",
            1,
            D(2021, 10, 13),
            "“双减”后仍在节假日开展学科类培训",
            "training",
        ),
        (
            f"{T}优学堂培训学校",
            M.ONSITE,
            "open",
            1,
            D(2021, 10, 14),
            "学科类培训预收费未纳入监管",
            "training",
        ),
        (
            f"{T}智慧树课外辅导中心",
            M.ONSITE,
            "open",
            1,
            D(2021, 10, 14),
            "学科类培训预收费超过规定期限",
            "training",
        ),
        (
            f"{T}明德学科辅导学校",
            M.ONSITE,
            "open",
            2,
            D(2021, 11, 9),
            "以“素质类”名义变相开展学科类培训",
            "training",
        ),
        (
            f"{T}青苗教育培训学校",
            M.ONSITE,
            "unannounced",
            2,
            D(2021, 11, 10),
            "以“一对一家政服务”名义变相开展学科类培训",
            "training",
        ),
        (
            f"{T}星辰英语培训学校",
            M.ONSITE,
            "open",
            2,
            D(2021, 11, 11),
            "培训广告未按要求撤除",
            "training",
        ),
        (
            QX_DEPT,
            M.DOCUMENTS,
            "open",
            2,
            D(2021, 11, 17),
            "校外培训机构监管台账不完整",
            "training",
        ),
        (
            QX_BUREAU,
            M.MEETING,
            "open",
            2,
            D(2021, 11, 15),
            "校外培训联合执法机制不健全，部门职责未压实",
            "training",
        ),
    ]
    all_orgs = {**org, **inst}
    for subject, method, mode, rnd, day, desc, cat in dr_problems:
        subj = all_orgs[subject]
        visit = _visit(
            dr,
            subj,
            day,
            method,
            mode=mode,
            group=sq,
            round=rnd,
            by=lead,
            notes="“双减”专项监督检查。",
        )
        still_open = desc.startswith("个别小学音体美")
        _problem(
            dr,
            visit,
            desc,
            cat,
            by=lead,
            deadline=day + datetime.timedelta(days=30),
            demand="限期整改，并将整改情况书面报送驻区教育局纪检监察组",
            verify_on=None if still_open else day + datetime.timedelta(days=35),
            lookback_group=hk,
            person="分管副校长" if subj.kind == Organisation.Kind.SCHOOL else "负责人",
            report="“一校一策”制定措施，保障课后服务时间，优化课后服务质量。"
            if subject == "汇通小学"
            else "",
        )
    proposals = [
        "统筹区内音体美专业教师资源，实行校际共享",
        "建立课后服务收费和补贴发放公示制度",
        "建立作业总量年级统筹和公示机制",
        "加强在职教师有偿补课问题线索排查",
        "将“双减”落实情况纳入学校年度考核",
    ]
    rules = [
        "七星区校外培训机构监管办法",
        "七星区校外培训预收费资金监管制度",
        "七星区校外培训联合执法工作机制",
    ]
    for i, title in enumerate(proposals):
        Recommendation.objects.get_or_create(
            campaign=dr,
            title=title,
            defaults={
                "kind": Recommendation.Kind.PROPOSAL,
                "on": D(2021, 10, 25) + datetime.timedelta(days=i),
                "addressed_to": bureau,
            },
        )
    for i, title in enumerate(rules):
        Recommendation.objects.get_or_create(
            campaign=dr,
            title=title,
            defaults={
                "kind": Recommendation.Kind.RULE,
                "on": D(2021, 12, 1) + datetime.timedelta(days=i * 7),
                "addressed_to": bureau,
            },
        )
    talks = [
        ("穿山小学分管副校长", "穿山小学", "个别小学音体美"),
        ("七星区教育局基础教育股负责人", QX_DEPT, "校外培训联合执法"),
    ]
    for person, organisation, desc_start in talks:
        if not Accountability.objects.filter(campaign=dr, person=person).exists():
            Accountability.record_new(
                kind=Accountability.Kind.TALK,
                person=person,
                organisation=org[organisation],
                on=D(2021, 12, 20),
                reason="整改不到位，约谈提醒",
                campaign=dr,
                problems=list(
                    Problem.objects.filter(campaign=dr, description__startswith=desc_start)
                ),
                by=lead,
            )

    # --- Seed 001: Ziliujing 2020 lottery, supervised by the stationed group ----------------------
    zg = org["区纪委监委派驻区教育和体育局纪检监察组"]
    lot, _ = Campaign.objects.get_or_create(
        district=zlj,
        title="2020年义务教育阶段学校电脑随机摇号录取监督",
        defaults={
            "scope": "檀木林小学、塘坎上小学各30个富余学位的电脑随机摇号：文件制定、公告发放等筹备环节和摇号现场全程监督",
            "starts_on": D(2020, 6, 20),
            "ends_on": D(2020, 7, 20),
            "lead_office": zg,
            "checklist": versions["sunshine-enrolment"],
        },
    )
    zgroup, _ = InspectionGroup.objects.get_or_create(
        campaign=lot, name="驻区教育和体育局纪检监察组"
    )
    if "inspector_zlj" in users:
        zgroup.members.add(users["inspector_zlj"])
    _visit(
        lot,
        org["自流井区教育和体育局"],
        D(2020, 7, 16),
        M.ONSITE,
        group=zgroup,
        notes="全程监督60个富余学位电脑随机摇号现场会，未发现问题。",
        by=users.get("inspector_zlj"),
    )
    if stdout:
        stdout.write(
            f"oversight: {Campaign.objects.count()} campaigns, {Visit.objects.count()} visits, "
            f"{Problem.objects.count()} problems"
        )
