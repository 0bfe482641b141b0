"""Import 100,000 applications from a CSV into a fresh SQLite database and print the time.

    .venv/bin/python bench/bench_enrollment.py [rows]

Target: ≤ 30 s on SQLite for 100,000 rows (validation of every row with precomputed lookups,
then batched prepared inserts in one transaction).
"""

import csv
import io
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-enrollment-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunshine.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from sunshine.core.models import District, Organisation  # noqa: E402
from sunshine.enrollment import importer  # noqa: E402
from sunshine.enrollment.models import Application, EnrolmentPlan, School  # noqa: E402
from sunshine.lib import idcard  # noqa: E402

YEAR = 2020
SCHOOLS = 20


def build_csv(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(importer.HEADERS)
    start = date(YEAR - 7, 9, 1)
    for i in range(rows):
        born = start + timedelta(days=i % 365)
        # Sequence numbers are unique per birth date: 100,000 children over 365 days.
        id_number = idcard.make("510302", born, i // 365)
        writer.writerow(
            [
                "",
                f"儿童{i}",
                "男" if i % 2 else "女",
                born.isoformat(),
                id_number,
                f"家长{i}",
                f"138{i:08d}",
                f"自流井区五星街{i % 300}号",
                f"自流井区五星街{i % 300}号",
                f"S{i % SCHOOLS:02d}",
                "1",
                str(1 + i % 3),
                "",
            ]
        )
    return out.getvalue().encode("utf-8")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    call_command("migrate", verbosity=0)
    district = District.objects.create(code="510302", name="自流井区", city="自贡市")
    for n in range(SCHOOLS):
        org = Organisation.objects.create(district=district, kind="school", name=f"学校{n}")
        school = School.objects.create(organisation=org, code=f"S{n:02d}")
        EnrolmentPlan.objects.create(
            school=school,
            year=YEAR,
            total_places=10_000,
            zoned_places=5_000,
            surplus_places=5_000,
            application_start=date(YEAR, 6, 20),
            application_end=date(YEAR, 7, 5),
        )
    data = build_csv(rows)
    started = time.perf_counter()
    batch, summary = importer.run("bench.csv", data, district, YEAR)
    elapsed = time.perf_counter() - started
    if batch.errors:
        raise SystemExit(f"unexpected errors: {batch.errors[:5]}")
    assert Application.objects.count() == rows, Application.objects.count()
    print(
        f"enrollment import: {rows} rows ({summary['applicants_created']} children, "
        f"{summary['applications_created']} applications) in {elapsed:.1f} s on SQLite "
        f"({rows / elapsed:,.0f} rows/s; target ≤ 30 s for 100,000)"
    )


if __name__ == "__main__":
    main()
