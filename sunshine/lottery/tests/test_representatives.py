"""Parent representatives chosen with RFC 3797 on a page that shows inputs and result."""

import pytest
from django.urls import reverse

from sunshine.core.audit_models import AuditEntry
from sunshine.lottery import rfc3797
from sunshine.lottery.models import RepresentativeSelection

pytestmark = pytest.mark.django_db


def test_it_chooses_parents_from_the_eligible_pool_and_adds_them_as_witnesses(
    client, draft, demo, roster
):
    client.force_login(demo["bureau_zlj"])
    url = reverse("lottery:representatives", args=[draft.pk])
    r = client.post(
        url, {"school": roster["TML"].pk, "count": 5, "sources": "7 8 11 17\n08285182"}, follow=True
    )
    assert r.status_code == 200
    s = RepresentativeSelection.objects.get(draw=draft)
    key, positions = rfc3797.select(8, 5, ["7 8 11 17", "08285182"])
    assert s.key_string == key == "7.8.11.17./8285182./"
    assert s.positions == positions
    assert s.pool == sorted(s.pool) and "2020-00000999" not in s.pool
    body = r.content.decode()
    assert key in body
    for p in positions:
        assert s.pool[p - 1] in body
    parents = list(draft.witnesses.filter(kind="parent").order_by("order"))
    assert [w.source for w in parents] == [f"parent-TML-{k}" for k in range(1, 6)]
    assert s.pool[positions[0] - 1] in parents[0].name
    assert AuditEntry.objects.get(action="lottery.representatives").payload["key_string"] == key
    # Chosen once: a second draw for the same school is refused.
    r = client.post(url, {"school": roster["TML"].pk, "count": 5, "sources": "1 2 3"}, follow=True)
    assert "不能重抽" in r.content.decode()


def test_it_rejects_malformed_sources(client, draft, demo, roster):
    client.force_login(demo["bureau_zlj"])
    url = reverse("lottery:representatives", args=[draft.pk])
    r = client.post(url, {"school": roster["TML"].pk, "count": 5, "sources": "7 8 x"}, follow=True)
    assert "随机来源格式有误" in r.content.decode()
    assert not RepresentativeSelection.objects.exists()
