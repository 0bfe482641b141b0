"""The demo drafts of seed 001 can go through the ceremony: the notary and the inspection group
are witnesses enough (two committed sources, about 133 bits declared) to freeze."""

import pytest
from django.core.management import call_command

from sunshine.lottery import engine
from sunshine.lottery.models import Draw

pytestmark = pytest.mark.django_db


def test_the_demo_drafts_freeze_once_the_two_witnesses_have_committed():
    call_command("seed_demo", verbosity=0)
    draws = list(Draw.objects.filter(code__in=["2020-zlj-tml", "2020-zlj-tks"]))
    assert draws and all(d.state == Draw.State.DRAFT for d in draws)
    for draw in draws:
        assert sorted(w.source for w in draw.witnesses.all()) == ["inspection", "notary"]
        assert not draw.entropy_is_weak
        bureau = draw.created_by
        for w in draw.witnesses.all():
            w.set_commitment(commitment=engine.commit(f"{w.pk:020d}"), by=bureau)
        draw.freeze(bureau)
        assert draw.state == Draw.State.FROZEN
