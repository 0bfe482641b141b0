import pytest

from sunshine.complaints import demo as complaints_demo
from sunshine.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_the_demo_loads_twice_without_duplicates(demo):
    complaints_demo.load()
    complaints_demo.load()
    assert Complaint.objects.count() == len(complaints_demo.DEMO)
    concluded = Complaint.objects.find_by_receipt("2020070100000002")
    assert concluded.status == Complaint.Status.CONCLUDED
    assert concluded.reporter_name == "杨女士"
