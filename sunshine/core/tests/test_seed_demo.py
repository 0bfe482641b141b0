import pytest
from django.core.management import call_command

from sunshine.core.models import District, Organisation, User

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_once(capsys):
    call_command("seed_demo")
    counts = (District.objects.count(), Organisation.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (District.objects.count(), Organisation.objects.count(), User.objects.count()) == counts
    assert Organisation.objects.filter(name__in=["檀木林小学", "塘坎上小学"]).count() == 2
    assert "sunshine-demo-2026" in capsys.readouterr().out
