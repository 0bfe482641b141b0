"""Demo draws of seed 001: 自流井区 drew 30 surplus places at 檀木林小学 and 30 at 塘坎上小学.

Nothing is drawn in advance: the demo prepares the two draft draws (with the notary and the
inspection group as witnesses) when the enrolment demo has created the schools, their plans and
eligible applicants, so the bureau can run the whole ceremony in the browser.
"""

from django.db import transaction

from sunshine.core.models import User
from sunshine.enrollment.models import School
from sunshine.lottery.models import Draw

YEAR = 2020
DRAWS = [
    ("檀木林小学", "2020-zlj-tml", "2020年檀木林小学富余学位电脑随机摇号"),
    ("塘坎上小学", "2020-zlj-tks", "2020年塘坎上小学富余学位电脑随机摇号"),
]


@transaction.atomic
def load(stdout=None) -> None:
    bureau = User.objects.filter(username="bureau_zlj").first()
    made = 0
    for school_name, code, title in DRAWS:
        school = School.objects.filter(organisation__name=school_name).first()
        if bureau is None or school is None or Draw.objects.filter(code=code).exists():
            continue
        plan = school.plans.filter(year=YEAR).first()
        if plan is None or not plan.surplus_places or not plan.needs_lottery:
            continue
        draw = Draw.create_for(
            district=school.district, year=YEAR, code=code, title=title, schools=[school], by=bureau
        )
        draw.add_default_witnesses()
        made += 1
    if stdout:
        stdout.write(f"lottery: {Draw.objects.count()} draws ({made} new drafts)")
