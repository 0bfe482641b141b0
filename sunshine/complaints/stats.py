"""Figures: received, accepted, concluded on time, overdue, by category (live + purged)."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum
from django.utils import timezone

from sunshine.complaints.models import Complaint, ComplaintStatistic

FIELDS = ("received", "accepted", "concluded", "concluded_on_time", "overdue")


def statistics(district_id: int, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    labels = dict(Complaint.Category.choices)
    rows = {cat: dict.fromkeys(FIELDS, 0) for cat in labels}
    live = Complaint.objects.filter(district_id=district_id).only(
        "category", "status", "accepted_at", "ack_due", "conclude_due", "closed_at", "received_at"
    )
    for c in live:
        row = rows[c.category]
        row["received"] += 1
        row["accepted"] += int(c.accepted_at is not None)
        row["concluded"] += int(c.status == Complaint.Status.CONCLUDED)
        row["concluded_on_time"] += int(c.concluded_on_time)
        row["overdue"] += int(c.is_overdue(today))
    purged = (
        ComplaintStatistic.objects.filter(district_id=district_id)
        .values("category")
        .annotate(**{f: Sum(f) for f in FIELDS})
    )
    for p in purged:
        row = rows.setdefault(p["category"], dict.fromkeys(FIELDS, 0))
        for f in FIELDS:
            row[f] += p[f] or 0
    totals = {f: sum(r[f] for r in rows.values()) for f in FIELDS}
    by_category = [
        {"category": cat, "label": labels.get(cat, cat), **row}
        for cat, row in rows.items()
        if row["received"]
    ]
    return {"totals": totals, "by_category": by_category}
