"""Waitlist promotion: in order, recorded, audited; skipping needs the bureau's reason."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from sunshine.core.audit_models import AuditEntry
from sunshine.lottery.models import Placement, WaitlistOffer, vacancies

pytestmark = pytest.mark.django_db


def _lists(draw):
    adm = list(Placement.objects.filter(draw=draw, kind="admitted").order_by("position"))
    wait = list(Placement.objects.filter(draw=draw, kind="waitlist").order_by("position"))
    return adm, wait


def test_it_offers_a_declined_place_to_the_next_in_order(published, demo, roster):
    school_user = demo["school_tml"]
    adm, wait = _lists(published)
    tml = roster["TML"]
    assert vacancies(published, tml) <= 0
    with pytest.raises(ValidationError, match="没有空出的学位"):
        WaitlistOffer.offer_next(published, tml, school_user)
    adm[0].decline(school_user)
    assert vacancies(published, tml) == 1 + (3 - len(adm))
    offer = WaitlistOffer.offer_next(published, tml, school_user)
    assert offer.placement == wait[0]
    offer.respond(False, school_user)
    wait[0].refresh_from_db()
    assert wait[0].status == Placement.Status.REFUSED
    second = WaitlistOffer.offer_next(published, tml, school_user)
    assert second.placement == wait[1]
    second.respond(True, school_user)
    wait[1].refresh_from_db()
    assert wait[1].status == Placement.Status.ACCEPTED
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "lottery.place_declined",
        "lottery.offer",
        "lottery.offer_declined",
        "lottery.offer_accepted",
    } <= actions


def test_it_refuses_to_skip_the_order_without_the_bureaus_reason(published, demo):
    adm, wait = _lists(published)
    adm[0].decline(demo["school_tml"])
    third = wait[2]
    with pytest.raises(ValidationError, match="必须按候补顺序"):
        WaitlistOffer.make(third, demo["school_tml"])
    with pytest.raises(ValidationError, match="只有本区教育局"):
        WaitlistOffer.make(
            third, demo["school_tml"], skip_reason="家长要求", authorised_by=demo["school_tml"]
        )
    with pytest.raises(ValidationError, match="只有本区教育局"):
        WaitlistOffer.make(
            third, demo["bureau_qx"], skip_reason="家长要求", authorised_by=demo["bureau_qx"]
        )
    with pytest.raises(ValidationError):
        WaitlistOffer(placement=third, offered_by=demo["school_tml"]).save()
    offer = WaitlistOffer.make(
        third,
        demo["bureau_zlj"],
        skip_reason="前两位已书面放弃候补",
        authorised_by=demo["bureau_zlj"],
    )
    assert offer.skip_authorised_by == demo["bureau_zlj"]
    entry = AuditEntry.objects.filter(action="lottery.offer").order_by("seq").last()
    assert entry.payload["skip_reason"] == "前两位已书面放弃候补"


def test_the_database_refuses_a_reason_without_an_authoriser(published, demo):
    adm, wait = _lists(published)
    with pytest.raises(IntegrityError), transaction.atomic():
        WaitlistOffer.objects.bulk_create(
            [WaitlistOffer(placement=wait[0], offered_by=demo["school_tml"], skip_reason="x")]
        )


def test_the_school_works_the_waitlist_in_the_browser_forms(client, published, demo, roster):
    tml = roster["TML"]
    adm, wait = _lists(published)
    client.force_login(demo["school_tml"])
    url = reverse("lottery:waitlist", args=[published.pk, tml.pk])
    assert client.get(url).status_code == 200
    client.post(reverse("lottery:place_decline", args=[published.pk, tml.pk, adm[0].pk]))
    client.post(reverse("lottery:offer_next", args=[published.pk, tml.pk]))
    wait[0].refresh_from_db()
    assert wait[0].status == Placement.Status.OFFERED
    # The school cannot use the bureau's skip form.
    r = client.post(
        reverse("lottery:offer_skip", args=[published.pk, tml.pk]),
        {"placement": wait[2].pk, "reason": "x"},
    )
    assert r.status_code == 403
    # Another school does not even see this waitlist.
    client.force_login(demo["school_tks"])
    assert client.get(url).status_code == 404


def test_multiple_birth_siblings_are_offered_together(published, demo, roster):
    from sunshine.lottery.models import Draw, unit_fits

    school_user = demo["school_tml"]
    adm, wait = _lists(published)
    twins = {"2020-00000006", "2020-00000007"}
    if not twins <= {p.number for p in wait}:
        pytest.skip("the twins were admitted in this draw")
    for p in adm:
        p.decline(school_user)
    offered = []
    while not twins & set(offered):
        offer = WaitlistOffer.offer_next(published, roster["TML"], school_user)
        offered = [
            p.number
            for p in Placement.objects.filter(draw=published, status=Placement.Status.OFFERED)
        ]
    assert twins <= set(offered)  # both at once, never one twin alone
    assert offer.placement.number in twins
    entry = AuditEntry.objects.filter(action="lottery.offer").order_by("seq").last()
    assert set(entry.payload["numbers"]) == twins
    # The draw's bundle policy decides whether a bundle takes fewer free places than its size.
    pair = [wait[0], wait[1]]
    assert unit_fits(Draw(bundle_policy="admit-all"), pair, 1)
    assert not unit_fits(Draw(bundle_policy="skip"), pair, 1)
    assert unit_fits(Draw(bundle_policy="skip"), pair, 2)
