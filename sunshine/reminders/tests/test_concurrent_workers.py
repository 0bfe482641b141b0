"""Several workers sending one campaign at once, on a database with real row locks.

SQLite serialises writers, so this race only means something on PostgreSQL (`make
test-postgres`); there, the conditional UPDATE that claims rows is what keeps two workers
from sending the same message.
"""

import threading
from collections import Counter

import pytest
from django.db import connection

from sunshine.reminders import sending

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent writers"
    ),
]


class CountingChannel:
    """Counts every hand-over, so a duplicate cannot hide behind an idempotent sink."""

    name = "sms"
    idempotent = True

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = Counter()

    def send(self, message):
        with self.lock:
            self.sent[message.key] += 1

    def close(self):
        pass


def test_four_workers_send_every_message_exactly_once(campaign, make_staff, monkeypatch):
    channel = CountingChannel()
    monkeypatch.setattr(sending, "open_channels", lambda: {"sms": channel, "email": channel})
    make_staff(400)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(sending, "enqueue", lambda *a, **k: True)
        campaign.queue()
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait()
            sending.run(campaign.pk, batch_size=7)
        except Exception as e:  # reported below; a thread's exception would be lost
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    keys = set(campaign.deliveries.values_list("message_key", flat=True))
    assert set(channel.sent) == keys and set(channel.sent.values()) == {1}
    assert campaign.deliveries.filter(state="sent").count() == 400
    campaign.refresh_from_db()
    assert campaign.status == "completed"
