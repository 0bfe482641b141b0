"""Figures on the dashboard: received, accepted, concluded on time, overdue, by category."""

import pytest
from django.urls import reverse

from sunshine.complaints.models import Complaint
from sunshine.complaints.stats import statistics

pytestmark = pytest.mark.django_db


def test_the_figures_count_each_state(file_complaint, inspector, zlj, time_machine):
    time_machine.move_to("2025-07-01 09:00:00+08:00")
    on_time, _ = file_complaint()
    on_time.accept(by=inspector)
    on_time.conclude(findings="已办结", by=inspector)
    late, _ = file_complaint(category=Complaint.Category.BRIBERY)
    late.accept(by=inspector)
    file_complaint(category=Complaint.Category.BRIBERY)  # never acknowledged
    time_machine.move_to("2025-08-29 09:00:00+08:00")
    figures = statistics(zlj.pk)
    assert figures["totals"] == {
        "received": 3,
        "accepted": 2,
        "concluded": 1,
        "concluded_on_time": 1,
        "overdue": 2,
    }
    bribery = next(r for r in figures["by_category"] if r["category"] == "bribery")
    assert (bribery["received"], bribery["overdue"]) == (2, 2)


def test_the_inspector_sees_the_panel_and_the_school_only_its_count(
    client, file_complaint, inspector, tml, demo
):
    complaint, _ = file_complaint()
    client.force_login(inspector)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "信访举报" in html and "按期办结" in html and "待受理 1 件" in html
    complaint.forward(to=tml, by=inspector)
    client.force_login(demo["school_tml"])
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "转交本单位办理中的举报 1 件" in html and "按期办结" not in html
    client.force_login(demo["notary_zlj"])
    assert "信访举报" not in client.get(reverse("core:dashboard")).content.decode()
