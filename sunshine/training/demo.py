"""Qixing's off-campus training institutions (seed 002: 暂停校外学科类培训10余家)."""

import datetime

from django.db import transaction

from sunshine.core.models import District, Organisation, User
from sunshine.training.models import Institution

D = datetime.date

# name, licence, subjects, academic, status history [(status, date, reason)]
INSTITUTIONS = [
    ("七星区启航学科培训学校", "教民145030570000101号", "语文、数学、英语", True),
    ("七星区博学教育培训中心", "教民145030570000102号", "数学、物理", True),
    ("七星区优学堂培训学校", "教民145030570000103号", "英语", True),
    ("七星区智慧树课外辅导中心", "教民145030570000104号", "语文、数学", True),
    ("七星区明德学科辅导学校", "教民145030570000105号", "数学、化学", True),
    ("七星区青苗教育培训学校", "教民145030570000106号", "英语、语文", True),
    ("七星区学而思远培训中心", "教民145030570000107号", "数学", True),
    ("七星区鼎力学科培训学校", "教民145030570000108号", "物理、化学", True),
    ("七星区书香课外辅导中心", "教民145030570000109号", "语文", True),
    ("七星区星辰英语培训学校", "教民145030570000110号", "英语", True),
    ("七星区育英学科辅导中心", "教民145030570000111号", "数学、英语", True),
    ("七星区漓江艺术培训中心", "教民145030570000201号", "美术、音乐", False),
    ("七星区穿山路某作业辅导班", "", "作业辅导", True),
    ("七星区东江社区某小班补习点", "", "数学、英语", True),
]

SUSPENDED_ON = D(2021, 10, 15)
CLOSED_ON = D(2021, 11, 20)


@transaction.atomic
def load(stdout=None) -> None:
    qixing = District.objects.get(code="450305")
    officer = User.objects.filter(username="bureau_qx").first()
    for name, licence, subjects, academic in INSTITUTIONS:
        org = Organisation.objects.filter(district=qixing, name=name).first()
        if org is None:
            inst = Institution.register(
                district=qixing,
                name=name,
                by=officer,
                licence_number=licence,
                subjects=subjects,
                is_academic=academic,
                address="桂林市七星区",
                status=Institution.Status.LICENSED if licence else Institution.Status.UNLICENSED,
                on=D(2019, 3, 1) if licence else D(2021, 9, 20),
            )
        else:
            inst = org.institution
        if inst.history.count() > 1:
            continue  # already walked through its history on an earlier run
        if licence and academic:
            inst.change_status(
                Institution.Status.SUSPENDED,
                on=SUSPENDED_ON,
                reason="落实“双减”政策，暂停校外学科类培训",
                by=officer,
            )
        elif not licence:
            inst.change_status(
                Institution.Status.CLOSED,
                on=CLOSED_ON,
                reason="无证开展学科类培训，联合执法予以取缔",
                by=officer,
            )
    if stdout:
        stdout.write(
            f"training: {Institution.objects.count()} institutions, "
            f"{Institution.objects.filter(status=Institution.Status.SUSPENDED).count()} suspended"
        )
