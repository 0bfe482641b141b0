"""Figures and chart rows for the dashboard, always counted from records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from sunshine.oversight.models import (
    Accountability,
    Campaign,
    Problem,
    Recommendation,
    Visit,
    overdue_q,
)


@dataclass
class Headline:
    campaign: Campaign
    groups: int
    rounds: int
    visits: int
    unannounced: int
    meetings: int
    documents: int
    found: int
    rectified: int
    overdue: int
    proposals: int
    rules: int
    suspended: int
    talked_to: int
    lookbacks: int


def headline(campaign: Campaign, visits, problems, today=None) -> Headline:
    today = today or timezone.localdate()
    v = visits.filter(campaign=campaign)
    inspections = v.filter(purpose=Visit.Purpose.INSPECTION)
    p = problems.filter(campaign=campaign)
    agg = v.aggregate(
        n=Count("id"),
        unannounced=Count("id", filter=Q(mode=Visit.Mode.UNANNOUNCED)),
        meetings=Count("id", filter=Q(method=Visit.Method.MEETING)),
        documents=Sum("documents_reviewed"),
        lookbacks=Count("id", filter=Q(purpose=Visit.Purpose.LOOKBACK)),
    )
    pagg = p.aggregate(
        found=Count("id"),
        rectified=Count("id", filter=Q(status=Problem.Status.VERIFIED)),
        overdue=Count("id", filter=overdue_q(today)),
    )
    recs = Recommendation.objects.filter(campaign=campaign).aggregate(
        proposals=Count("id", filter=Q(kind=Recommendation.Kind.PROPOSAL)),
        rules=Count("id", filter=Q(kind=Recommendation.Kind.RULE)),
    )
    talked = (
        Accountability.objects.filter(campaign=campaign, kind=Accountability.Kind.TALK)
        .values("person", "organisation")
        .distinct()
        .count()
    )
    return Headline(
        campaign=campaign,
        groups=campaign.groups.count(),
        rounds=inspections.values("round").distinct().count(),
        visits=agg["n"],
        unannounced=agg["unannounced"],
        meetings=agg["meetings"],
        documents=agg["documents"] or 0,
        found=pagg["found"],
        rectified=pagg["rectified"],
        overdue=pagg["overdue"],
        proposals=recs["proposals"],
        rules=recs["rules"],
        suspended=suspended_during(campaign),
        talked_to=talked,
        lookbacks=agg["lookbacks"],
    )


def suspended_during(campaign: Campaign) -> int:
    """Training institutions of the campaign's district suspended within its period."""
    from sunshine.training.models import Institution, StatusChange

    end = campaign.ends_on or datetime.date.max
    return (
        StatusChange.objects.filter(
            status=Institution.Status.SUSPENDED,
            institution__organisation__district_id=campaign.district_id,
            on__gte=campaign.starts_on,
            on__lte=end,
        )
        .values("institution")
        .distinct()
        .count()
    )


def bars(rows: list[tuple[str, dict]], keys: list[str]) -> list[dict]:
    """Rows for a CSS bar chart: each value with its width as a percentage of the largest."""
    top = max([r[k] for _, r in rows for k in keys] + [1])
    return [
        {
            "label": label,
            "values": [{"key": k, "n": r[k], "pct": round(100 * r[k] / top, 1)} for k in keys],
        }
        for label, r in rows
    ]


def problem_breakdown(problems, field: str, label_of, today=None) -> list[tuple[str, dict]]:
    today = today or timezone.localdate()
    rows = (
        problems.values(field)
        .annotate(
            found=Count("id"),
            rectified=Count("id", filter=Q(status=Problem.Status.VERIFIED)),
            overdue=Count("id", filter=overdue_q(today)),
        )
        .order_by("-found")
    )
    return [(label_of(r[field]), r) for r in rows]


def visits_per_group(visits) -> list[tuple[str, dict]]:
    rows = (
        visits.values("group__name", "campaign__title")
        .annotate(visits=Count("id"))
        .order_by("campaign__title", "group__name")
    )
    return [(f"{r['campaign__title']} · {r['group__name'] or '—'}", r) for r in rows]
