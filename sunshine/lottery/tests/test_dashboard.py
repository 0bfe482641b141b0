import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_witness_sees_what_waits_for_them(client, draft, demo):
    client.force_login(demo["notary_zlj"])
    body = client.get(reverse("core:dashboard")).content.decode()
    assert "待提交承诺值" in body and draft.title in body


def test_the_public_has_no_lottery_panel(client, draft, demo):
    client.force_login(demo["parent"])
    assert "待提交承诺值" not in client.get(reverse("core:dashboard")).content.decode()


def test_the_projector_shows_reveals_without_javascript(client, draft, demo):
    from sunshine.lottery.tests.conftest import VALUES, commit_all

    commit_all(draft, demo["bureau_zlj"])
    draft.freeze(demo["bureau_zlj"])
    draft.reveal("notary", VALUES["notary"], demo["bureau_zlj"])
    body = client.get(reverse("lottery:projector", args=[draft.pk])).content.decode()
    assert VALUES["notary"] in body and draft.manifest_digest in body
    live = client.get(reverse("lottery:live", args=[draft.pk])).json()
    assert [w["value"] for w in live["witnesses"]] == [VALUES["notary"], None]
    assert live["schools"] == []
