"""Who may do what: bureau of the district operates, witnesses act for their own source only,
inspection reads, the public sees frozen and published draws, schools their own."""

import pytest
from django.urls import reverse

from sunshine.lottery.models import Draw, Witness
from sunshine.lottery.tests.conftest import commit_all

pytestmark = pytest.mark.django_db


def url(name, draw, *args):
    return reverse(f"lottery:{name}", args=[draw.pk, *args])


def test_the_public_sees_no_draft_but_sees_frozen_and_published(client, draft, demo):
    assert client.get(url("detail", draft)).status_code == 404
    assert client.get(url("projector", draft)).status_code == 404
    assert client.get(reverse("lottery:index")).status_code == 200
    commit_all(draft, demo["bureau_zlj"])
    draft.freeze(demo["bureau_zlj"])
    r = client.get(url("detail", draft))
    assert r.status_code == 200 and draft.manifest_digest in r.content.decode()
    assert client.get(url("manifest", draft)).status_code == 200
    assert client.get(url("result", draft)).status_code == 404


def test_only_the_districts_bureau_operates(client, draft, demo):
    for username, expected in (
        ("bureau_qx", 404),  # another district's bureau does not see the draft
        ("inspector_zlj", 403),  # inspection reads but does not operate
        ("school_tml", 403),
        ("notary_zlj", 403),
    ):
        client.force_login(demo[username])
        assert client.post(url("freeze", draft)).status_code == expected, username
    client.force_login(demo["inspector_zlj"])
    assert client.get(url("detail", draft)).status_code == 200
    assert client.get(url("representatives", draft)).status_code == 200
    assert (
        client.post(
            url("representatives", draft), {"school": 1, "count": 1, "sources": "1"}
        ).status_code
        == 403
    )
    client.force_login(demo["bureau_zlj"])
    commit_all(draft, demo["bureau_zlj"])
    r = client.post(url("freeze", draft))
    assert r.status_code == 302
    assert Draw.objects.get(pk=draft.pk).state == Draw.State.FROZEN


def test_bureau_create_is_refused_to_other_roles(client, demo):
    client.force_login(demo["school_tml"])
    assert client.get(reverse("lottery:create")).status_code == 403
    client.logout()
    assert client.get(reverse("lottery:create")).status_code == 302


def test_a_witness_commits_and_reveals_only_their_own_source(client, draft, demo):
    notary = draft.witnesses.get(source="notary")
    inspection = draft.witnesses.get(source="inspection")
    assert notary.user == demo["notary_zlj"]
    client.force_login(demo["notary_zlj"])
    r = client.post(url("commit", draft, notary.pk), {"value": "5551234567890"})
    assert r.status_code == 302
    notary.refresh_from_db()
    assert notary.commitment and notary.value == ""
    assert client.post(url("commit", draft, inspection.pk), {"value": "1"}).status_code == 403
    # The inspection group's account commits for its own source once linked to it.
    inspection.user = demo["inspector_zlj"]
    inspection.save()
    client.force_login(demo["inspector_zlj"])
    assert (
        client.post(url("commit", draft, inspection.pk), {"value": "98765432109"}).status_code
        == 302
    )
    assert client.post(url("commit", draft, notary.pk), {"value": "1"}).status_code == 403
    client.force_login(demo["bureau_zlj"])
    # The operator may not act for a witness who has an account: else it could pick the seed.
    assert client.post(url("commit", draft, notary.pk), {"value": "1"}).status_code == 403
    client.post(url("freeze", draft))
    assert client.post(url("reveal", draft, notary.pk), {"value": "1"}).status_code == 403
    client.force_login(demo["notary_zlj"])
    client.post(url("reveal", draft, notary.pk), {"value": "5551234567890"})
    assert Witness.objects.get(pk=notary.pk).revealed_at is not None
    assert (
        client.post(url("reveal", draft, inspection.pk), {"value": "98765432109"}).status_code
        == 403
    )


def test_a_wrong_reveal_is_refused_with_a_clear_message(client, draft, demo):
    bureau = demo["bureau_zlj"]
    commit_all(draft, bureau)
    draft.freeze(bureau)
    client.force_login(demo["notary_zlj"])
    w = draft.witnesses.get(source="notary")
    r = client.post(url("reveal", draft, w.pk), {"value": "0000000000"}, follow=True)
    assert "与冻结前提交的承诺值不符" in r.content.decode()


def test_the_operator_acts_only_for_witnesses_without_an_account(draft, demo):
    bureau, notary_user = demo["bureau_zlj"], demo["notary_zlj"]
    notary = draft.witnesses.get(source="notary")
    inspection = draft.witnesses.get(source="inspection")
    assert notary.user == notary_user and inspection.user is None
    assert notary.may_act(notary_user) and not notary.may_act(bureau)
    assert inspection.may_act(bureau) and not inspection.may_act(notary_user)
    assert not inspection.may_act(demo["bureau_qx"])  # another district's operator


def test_schools_see_their_own_draws_and_the_xlsx(client, published, demo):
    client.force_login(demo["school_tml"])
    r = client.get(url("xlsx", published))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    client.force_login(demo["school_ly"])  # a school of another district
    assert client.get(url("xlsx", published)).status_code == 404
    client.logout()
    assert client.get(url("xlsx", published)).status_code == 302


def test_the_public_gets_published_results_and_files(client, published):
    for name in ("detail", "projector", "live", "manifest", "entropy", "result", "pdf"):
        assert client.get(url(name, published)).status_code == 200, name
    assert client.get(reverse("lottery:verifier")).status_code == 200
    body = client.get(url("detail", published)).content.decode()
    assert "python3 verify_draw.py manifest.json entropy.json result.json" in body
    # Names and phone numbers never appear, only application numbers.
    assert "儿童" not in body and "1380000" not in body


@pytest.fixture
def drawn(draft, demo):
    from sunshine.lottery.tests.conftest import reveal_all

    bureau = demo["bureau_zlj"]
    commit_all(draft, bureau)
    draft.freeze(bureau)
    reveal_all(draft, bureau)
    draft.run(bureau)
    assert draft.state == Draw.State.DRAWN
    return draft


def test_before_publication_only_the_people_of_the_draw_see_the_result(client, drawn, demo):
    admitted = drawn.result()["schools"]["TML"]["admitted"][0]
    for username in ("bureau_zlj", "inspector_zlj", "school_tml", "notary_zlj", "admin"):
        client.force_login(demo[username])
        assert client.get(url("result", drawn)).status_code == 200, username
        body = client.get(url("detail", drawn)).content.decode()
        assert admitted in body and 'id="result-digest"' in body, username
    # Staff of other districts, or of a school not in the draw, get what the public gets.
    for username in ("bureau_qx", "inspector_qx1", "school_ly", "school_tks", "parent", None):
        if username:
            client.force_login(demo[username])
        else:
            client.logout()
        for name in ("result", "entropy", "pdf"):
            assert client.get(url(name, drawn)).status_code == 404, (username, name)
        body = client.get(url("detail", drawn)).content.decode()
        assert 'id="result-digest"' not in body and drawn.seed not in body, username
    client.force_login(demo["bureau_qx"])
    assert client.get(url("xlsx", drawn)).status_code == 404


def test_the_projector_announces_the_result_as_soon_as_it_is_drawn(client, drawn):
    # On purpose: the result is announced at the ceremony and published at once (seed 001).
    live = client.get(url("live", drawn)).json()
    assert live["seed"] == drawn.seed
    assert live["schools"][0]["admitted"] == drawn.result()["schools"]["TML"]["admitted"]
