import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunshine.core.audit_models import AuditEntry

pytestmark = pytest.mark.django_db
D = datetime.date


def test_it_moves_a_deadline_with_a_reason_and_audits_it(world, make_problem):
    problem = make_problem(deadline=D(2023, 8, 1))
    problem.move_deadline(D(2023, 8, 15), reason="需采购设备", by=world.inspector)
    assert problem.deadline == D(2023, 8, 15)
    change = problem.deadline_changes.get()
    assert (change.old, change.new, change.reason, change.by) == (
        D(2023, 8, 1),
        D(2023, 8, 15),
        "需采购设备",
        world.inspector,
    )
    entry = AuditEntry.objects.get(action="oversight.problem_deadline_moved")
    assert entry.payload == {"from": "2023-08-01", "to": "2023-08-15", "reason": "需采购设备"}
    assert entry.actor == world.inspector


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_a_move_without_a_reason(world, make_problem, reason):
    problem = make_problem(deadline=D(2023, 8, 1))
    with pytest.raises(ValidationError):
        problem.move_deadline(D(2023, 8, 15), reason=reason, by=world.inspector)
    problem.refresh_from_db()
    assert problem.deadline == D(2023, 8, 1)
    assert not AuditEntry.objects.filter(action="oversight.problem_deadline_moved").exists()


def test_it_refuses_to_move_the_deadline_of_a_closed_problem(world, make_problem, lookback):
    problem = make_problem()
    problem.start_rectifying(by=world.inspector)
    problem.report_rectification(text="x", by=world.inspector)
    problem.verify(visit=lookback(), note="ok", by=world.inspector)
    with pytest.raises(ValidationError):
        problem.move_deadline(D(2024, 1, 1), reason="r", by=world.inspector)


def test_only_inspection_moves_deadlines_on_the_page(client, world, make_problem):
    problem = make_problem(deadline=D(2023, 8, 1))
    url = reverse("oversight:problem_deadline", args=[problem.pk])
    client.force_login(world.users["school_ly"])
    assert client.post(url, {"deadline": "2023-09-01", "reason": "想延期"}).status_code == 403
    client.force_login(world.inspector)
    response = client.post(url, {"deadline": "2023-09-01", "reason": ""}, follow=True)
    assert "调整原因" in response.content.decode()
    client.post(url, {"deadline": "2023-09-01", "reason": "学校申请"})
    problem.refresh_from_db()
    assert problem.deadline == D(2023, 9, 1)
