import copy

import pytest
from django.urls import reverse

from sunshine.oversight import checklists
from sunshine.oversight.models import Answer, ChecklistItem, Problem

pytestmark = pytest.mark.django_db


def test_it_installs_the_standard_checklists_once(world):
    again = checklists.install_standard()
    assert again == world.versions
    enrol = world.versions["sunshine-enrolment"]
    texts = [i.text for i in enrol.items()]
    assert "招生咨询电话是否畅通" in texts and "监督举报方式是否公布" in texts
    assert {i.answer_type for i in enrol.items()} == set(ChecklistItem.AnswerType.values)


def test_a_running_campaign_keeps_the_version_it_started_with(world):
    spec = copy.deepcopy(checklists.ENROLMENT)
    spec["sections"][0][1].append(("新增事项", "", "yes_no", "", ""))
    v2 = checklists.install(spec)
    assert v2.number == 2
    world.campaign.refresh_from_db()
    assert world.campaign.checklist.number == 1
    assert "新增事项" not in [i.text for i in world.visit.items()]


def test_it_saves_typed_answers_and_raises_a_problem_from_one(client, world):
    client.force_login(world.inspector)
    items = {i.text: i for i in world.visit.items()}
    phone = items["招生咨询电话是否畅通"]
    count = items["目前已报名学生数"]
    review = items["报名材料审核是否合理有序"]
    data = {
        f"item_{phone.pk}": "no",
        f"item_{count.pk}": "120",
        f"item_{review.pk}": "合理有序",
        f"ok_{review.pk}": "yes",
    }
    client.post(reverse("oversight:visit_answers", args=[world.visit.pk]), data)
    answers = {a.item_id: a for a in Answer.objects.filter(visit=world.visit)}
    assert answers[phone.pk].compliant is False
    assert answers[count.pk].value == "120.00" or answers[count.pk].value == "120"
    assert answers[review.pk].compliant is True
    page = client.get(reverse("oversight:visit_detail", args=[world.visit.pk])).content.decode()
    assert f"item={phone.pk}" in page
    form = client.get(reverse("oversight:problem_new"), {"visit": world.visit.pk, "item": phone.pk})
    assert "招生咨询电话是否畅通" in form.content.decode()
    response = client.post(
        reverse("oversight:problem_new") + f"?visit={world.visit.pk}&item={phone.pk}",
        {
            "campaign": world.campaign.pk,
            "subject": world.orgs["龙隐小学"].pk,
            "category": "service",
            "description": "招生咨询电话无人接听",
            "responsible_org": world.orgs["龙隐小学"].pk,
            "severity": "general",
            "demand": "专人值守",
            "deadline": "2023-08-01",
        },
    )
    problem = Problem.objects.get()
    assert response.url == reverse("oversight:problem_detail", args=[problem.pk])
    assert problem.source == "visit" and problem.visit == world.visit


def test_an_invalid_choice_is_refused(client, world):
    client.force_login(world.inspector)
    review = next(i for i in world.visit.items() if i.answer_type == "choice")
    client.post(
        reverse("oversight:visit_answers", args=[world.visit.pk]), {f"item_{review.pk}": "乱填"}
    )
    assert not Answer.objects.exists()


def test_inspectors_publish_a_new_version_as_text_and_running_campaigns_keep_theirs(client, world):
    from sunshine.core.audit_models import AuditEntry

    template = world.versions["sunshine-enrolment"].template
    client.force_login(world.inspector)
    url = reverse("oversight:checklist_revise", args=[template.pk])
    text = client.get(url).context["text"]
    assert text.startswith("# 信息公开\n") and "招生咨询电话是否畅通" in text
    # Unchanged content publishes nothing.
    client.post(url, {"text": text, "note": "无变化"})
    assert template.versions.count() == 1
    # Bad lines are named, nothing is published.
    bad = text + "新事项 | 标准 | 随便\n选项事项 | | choice | 只有一个\n"
    page = client.post(url, {"text": bad, "note": "x"}).content.decode()
    assert "未知的回答类型" in page and "至少需要两个" in page
    assert template.versions.count() == 1
    # A good revision becomes v2.
    client.post(
        url, {"text": text + "是否公示招生结果 | 结果在平台公布 | yes_no\n", "note": "增加结果公示"}
    )
    v2 = template.versions.get(number=2)
    assert v2.note == "增加结果公示" and "是否公示招生结果" in [i.text for i in v2.items()]
    assert AuditEntry.objects.filter(action="oversight.checklist_published").count() == 1
    world.campaign.refresh_from_db()
    assert world.campaign.checklist.number == 1
    client.force_login(world.users["school_ly"])
    assert client.get(url).status_code == 403
