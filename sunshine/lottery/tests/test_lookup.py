"""Parent lookup: number + last four phone digits; rate-limited; one answer for every miss."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from sunshine.lottery.models import Placement

pytestmark = pytest.mark.django_db

URL = reverse("lottery:lookup")
MISS = "没有找到与该报名号和手机号后四位相符的已公布摇号结果"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _result_block(response) -> str:
    html = response.content.decode()
    start = html.index('id="lookup-result"')
    return html[start : html.index("</div>", start)]


def test_it_shows_lottery_number_outcome_and_waitlist_position(client, published):
    p = Placement.objects.filter(draw=published, kind="waitlist").order_by("position").first()
    phone_tail = p.application.applicant.guardian_phone[-4:]
    r = client.post(URL, {"number": p.number, "phone_last4": phone_tail})
    assert r.status_code == 200
    body = r.content.decode()
    assert f"候补第 {p.position} 位" in body
    assert str(p.lottery_number) in _result_block(r)
    admitted = Placement.objects.filter(draw=published, kind="admitted").first()
    r = client.post(
        URL,
        {
            "number": admitted.number,
            "phone_last4": admitted.application.applicant.guardian_phone[-4:],
        },
    )
    assert "摇中录取" in r.content.decode()


def test_it_answers_the_same_for_unknown_numbers_and_wrong_digits(client, published):
    p = Placement.objects.filter(draw=published).first()
    wrong = client.post(URL, {"number": p.number, "phone_last4": "0000"})
    unknown = client.post(URL, {"number": "2020-77777777", "phone_last4": "0000"})
    assert wrong.status_code == unknown.status_code == 200
    assert MISS in wrong.content.decode()
    assert _result_block(wrong) == _result_block(unknown)

    def strip(r, number):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())
        return html.replace(number, "X")

    assert strip(wrong, p.number) == strip(unknown, "2020-77777777")


def test_it_shows_nothing_before_publication(client, draft):
    from sunshine.enrollment.models import Applicant

    a = Applicant.objects.get(number="2020-00000002")
    r = client.post(URL, {"number": a.number, "phone_last4": a.guardian_phone[-4:]})
    assert MISS in r.content.decode()


def test_it_limits_guesses_per_application_number_and_client(client, published):
    p = Placement.objects.filter(draw=published).first()
    right = p.application.applicant.guardian_phone[-4:]
    for guess in range(5):
        r = client.post(
            URL, {"number": p.number, "phone_last4": f"99{guess:02d}"}, REMOTE_ADDR="10.0.0.1"
        )
        assert r.status_code == 200
    # The guesser is locked out of this number, even with the right digits ...
    r = client.post(URL, {"number": p.number, "phone_last4": right}, REMOTE_ADDR="10.0.0.1")
    assert r.status_code == 429
    assert "查询过于频繁" in r.content.decode()
    # ... but the family, from its own address, is not.
    r = client.post(URL, {"number": p.number, "phone_last4": right}, REMOTE_ADDR="10.9.9.9")
    assert r.status_code == 200
    assert str(p.lottery_number) in _result_block(r)


def test_successful_lookups_do_not_use_up_the_allowance(client, published):
    p = Placement.objects.filter(draw=published).first()
    right = p.application.applicant.guardian_phone[-4:]
    for _ in range(30):
        r = client.post(URL, {"number": p.number, "phone_last4": right})
        assert r.status_code == 200


def test_it_limits_failed_lookups_per_client(client, published):
    for k in range(20):
        client.post(URL, {"number": f"2020-5555{k:04d}", "phone_last4": "1234"})
    r = client.post(URL, {"number": "2020-66660000", "phone_last4": "1234"})
    assert r.status_code == 429
    other = client.post(
        URL, {"number": "2020-66660000", "phone_last4": "1234"}, REMOTE_ADDR="10.1.1.1"
    )
    assert other.status_code == 200


def test_it_follows_the_trusted_proxy_header(client, published, settings):
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    for k in range(20):
        client.post(
            URL,
            {"number": f"2020-5555{k:04d}", "phone_last4": "1234"},
            HTTP_X_REAL_IP="198.51.100.1",
        )
    data = {"number": "2020-66660000", "phone_last4": "1234"}
    # Same proxy address, different real client: not limited.
    assert client.post(URL, data, HTTP_X_REAL_IP="198.51.100.2").status_code == 200
    assert client.post(URL, data, HTTP_X_REAL_IP="198.51.100.1").status_code == 429


def test_it_keeps_no_address_in_the_cache(client, published):
    from django.db import connection

    client.post(URL, {"number": "2020-00000001", "phone_last4": "0000"}, REMOTE_ADDR="203.0.113.77")
    with connection.cursor() as c:
        c.execute("SELECT cache_key FROM sunshine_cache")
        keys = " ".join(row[0] for row in c.fetchall())
    assert "203.0.113.77" not in keys and "2020-00000001" not in keys
