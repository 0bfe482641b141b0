"""The standard checklists (监督清单) shipped as data, and how a template gets a new version.

``install(spec)`` is idempotent: it adds a version only when the content differs from the latest
one, so a campaign that pinned an older version keeps it unchanged.
"""

from __future__ import annotations

from django.db import transaction

from sunshine.oversight.models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    ChecklistVersion,
)

Y, N, T, C = "yes_no", "number", "text", "choice"

# Seed 000: 七星区 2023 秋季学期招生入学专项监督检查 (程序关、人情关; 电话咨询、明察暗访、随机询问).
ENROLMENT = {
    "code": "sunshine-enrolment",
    "title": "阳光招生专项监督清单",
    "note": "依据七星区2023年秋季学期招生专项监督检查整理",
    "sections": [
        (
            "信息公开",
            [
                (
                    "招生信息、招生计划是否已在网站、公众号等媒体公布",
                    "已在教育局网站或公众号公布当年招生工作方案和招生计划",
                    Y,
                    "",
                    "disclosure",
                ),
                (
                    "学区划分是否公布",
                    "学区范围可在网站查到，并在学校显著位置公示",
                    Y,
                    "",
                    "disclosure",
                ),
                (
                    "监督举报方式是否公布",
                    "公布纪检监察举报电话、来信地址或码上举报二维码",
                    Y,
                    "",
                    "disclosure",
                ),
            ],
        ),
        (
            "招生程序与资格审定",
            [
                (
                    "是否严格执行招生工作方案和学区划分政策",
                    "按方案规定的时间、范围、程序招生，无超范围、超计划招生",
                    Y,
                    "",
                    "enrolment",
                ),
                (
                    "报名材料审核是否合理有序",
                    "不额外要求方案以外的证明材料，审核有记录",
                    C,
                    "合理有序/基本合理/不合理",
                    "enrolment",
                ),
                ("目前已报名学生数", "与招生平台数据核对", N, "", ""),
            ],
        ),
        (
            "暗访体验（以家长身份）",
            [
                ("招生咨询电话是否畅通", "工作时间内拨打两次以上均有人接听", Y, "", "service"),
                ("老师接待态度是否良好", "耐心解答、不推诿", C, "良好/一般/较差", "service"),
                (
                    "招生工作政策解读是否到位",
                    "能准确说明入学条件、所需材料和时间安排",
                    Y,
                    "",
                    "service",
                ),
            ],
        ),
        (
            "廉洁纪律",
            [
                (
                    "未发现收受财物、帮助“加塞”入学等问题线索",
                    "无“人情生”“关系生”“金钱生”线索；发现线索应立即登记问题并按快查快办处理",
                    Y,
                    "",
                    "integrity",
                ),
                ("其他情况", "", T, "", ""),
            ],
        ),
    ],
}

# Seed 002: 七星区“双减”政策落实情况专项监督检查 (校内减负、课后服务、收费、校外培训监管).
DOUBLE_REDUCTION = {
    "code": "double-reduction",
    "title": "“双减”政策落实情况监督清单",
    "note": "依据七星区“双减”专项监督检查整理",
    "sections": [
        (
            "作业负担",
            [
                (
                    "作业总量和时长是否符合规定",
                    "小学一二年级不布置书面家庭作业，三至六年级不超过60分钟，初中不超过90分钟",
                    Y,
                    "",
                    "homework",
                ),
                ("是否建立作业公示制度", "作业在班级公示，有年级统筹记录", Y, "", "homework"),
            ],
        ),
        (
            "课后服务",
            [
                ("能否提供课后服务安排表", "按学期制定并公示课后服务安排表", Y, "", "after_school"),
                (
                    "课后服务活动设计与内容",
                    "有作业辅导和文体、艺术、科普等拓展活动",
                    T,
                    "",
                    "after_school",
                ),
                (
                    "音体美等专业教师能否满足课后服务需要",
                    "能开设音体美等方面的课后服务",
                    Y,
                    "",
                    "after_school",
                ),
                ("是否有线上学习计划", "", Y, "", "after_school"),
                ("课后服务覆盖率（%）", "有需求的学生全覆盖", N, "", "after_school"),
            ],
        ),
        (
            "收费与补贴",
            [
                ("课后服务收费是否合规并公示", "按核定标准收费，收费标准公示", Y, "", "fees"),
                ("课后服务补贴发放是否合规", "无违规发放补贴", Y, "", "fees"),
            ],
        ),
        (
            "在职教师有偿补课",
            [
                ("未发现在职教师违规私自开课线索", "问卷调查和走访中无相关反映", Y, "", "tutoring"),
            ],
        ),
        (
            "校外培训",
            [
                ("机构是否持证经营", "有有效办学许可证", Y, "", "training"),
                ("学科类培训是否按要求暂停或规范", "", C, "已暂停/仍在开展/不适用", "training"),
                ("预收费是否纳入监管", "", Y, "", "training"),
            ],
        ),
    ],
}

STANDARD = [ENROLMENT, DOUBLE_REDUCTION]


def _content(version: ChecklistVersion) -> list:
    return [
        (
            s.title,
            [
                (i.text, i.standard, i.answer_type, i.choices, i.category)
                for i in s.items.order_by("order")
            ],
        )
        for s in version.sections.order_by("order")
    ]


@transaction.atomic
def install(spec: dict) -> ChecklistVersion:
    template, _ = ChecklistTemplate.objects.get_or_create(
        code=spec["code"], defaults={"title": spec["title"]}
    )
    latest = template.latest
    wanted = [(title, [tuple(i) for i in items]) for title, items in spec["sections"]]
    if latest is not None and _content(latest) == wanted:
        return latest
    version = ChecklistVersion.objects.create(
        template=template,
        number=(latest.number + 1) if latest else 1,
        note=spec.get("note", ""),
    )
    for s_order, (title, items) in enumerate(spec["sections"], start=1):
        section = ChecklistSection.objects.create(version=version, order=s_order, title=title)
        for i_order, (text, standard, answer_type, choices, category) in enumerate(items, 1):
            ChecklistItem.objects.create(
                section=section,
                order=i_order,
                text=text,
                standard=standard,
                answer_type=answer_type,
                choices=choices,
                category=category,
            )
    return version


def install_standard() -> dict[str, ChecklistVersion]:
    return {spec["code"]: install(spec) for spec in STANDARD}


# --- editing as text -------------------------------------------------------------------------
#
# A checklist version as plain text, one line per item, so inspectors can revise it in a
# textarea:   # 分节标题
#             检查事项 | 判断标准 | 回答类型 | 选项 | 问题类别


def to_text(version: ChecklistVersion) -> str:
    lines = []
    for title, items in _content(version):
        lines.append(f"# {title}")
        for text, standard, answer_type, choices, category in items:
            lines.append(" | ".join([text, standard, answer_type, choices, category]).rstrip(" |"))
    return "\n".join(lines) + "\n"


def parse_text(text: str) -> tuple[list, list[str]]:
    """Return (sections, errors); each error names its line."""
    from django.utils.translation import gettext as _

    from sunshine.oversight.models import Problem

    types = {v: v for v in ChecklistItem.AnswerType.values}
    types.update({str(label): v for v, label in ChecklistItem.AnswerType.choices})
    categories = set(Problem.Category.values)
    sections: list = []
    errors: list[str] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            if not title:
                errors.append(_("第 %(n)d 行：分节标题为空。") % {"n": n})
            sections.append((title, []))
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (5 - len(parts))
        text_, standard, answer_type, choices, category = parts[:5]
        if not sections:
            errors.append(_("第 %(n)d 行：检查事项之前需要先写分节标题（以 # 开头）。") % {"n": n})
            continue
        if not text_:
            errors.append(_("第 %(n)d 行：检查事项为空。") % {"n": n})
        answer_type = types.get(answer_type or "yes_no")
        if answer_type is None:
            errors.append(_("第 %(n)d 行：未知的回答类型。") % {"n": n})
        if answer_type == ChecklistItem.AnswerType.CHOICE and len(choices.split("/")) < 2:
            errors.append(_("第 %(n)d 行：选项类事项至少需要两个以“/”分隔的选项。") % {"n": n})
        if category and category not in categories:
            errors.append(_("第 %(n)d 行：未知的问题类别“%(c)s”。") % {"n": n, "c": category})
        if len(parts) > 5 or len(text_) > 300:
            errors.append(_("第 %(n)d 行：格式有误。") % {"n": n})
        sections[-1][1].append((text_, standard, answer_type or "", choices, category))
    if not any(items for _, items in sections):
        errors.append(_("清单中没有任何检查事项。"))
    return sections, errors
