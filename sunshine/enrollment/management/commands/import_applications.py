from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sunshine.core.models import District
from sunshine.enrollment import importer


class Command(BaseCommand):
    help = (
        "Import applicants and applications from .xlsx or .csv, all or nothing. "
        "Every bad row is listed with its row number and column; nothing is written if any is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="an .xlsx or .csv file with the template's header row")
        parser.add_argument("--district", required=True, help="district code, e.g. 510302")
        parser.add_argument("--year", type=int, required=True, help="enrolment year, e.g. 2020")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, path, district, year, dry_run, **options):
        file = Path(path)
        if file.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("only .xlsx and .csv files can be imported")
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        try:
            target = District.objects.get(code=district)
        except District.DoesNotExist as exc:
            raise CommandError(f"unknown district code {district}") from exc
        console = Console(file=self.stdout, highlight=False)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=False) as bar:
            tasks: dict[str, int] = {}

            def progress(stage: str, advance: int, total: int) -> None:
                if stage not in tasks:
                    label = "检查 validate" if stage == "validate" else "写入 write"
                    tasks[stage] = bar.add_task(label, total=total)
                bar.advance(tasks[stage], advance)

            try:
                batch, summary = importer.run(
                    file.name,
                    file.read_bytes(),
                    target,
                    year,
                    dry_run=dry_run,
                    progress=progress,
                )
            except importer.ImportRejected as exc:  # a damaged workbook, or a write conflict
                batch = importer.Batch(district=target, year=year, errors=exc.errors)
                summary = None
        if batch.errors:
            for error in batch.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(batch.errors)} errors in {batch.rows} rows; nothing was written"
            )
        if summary is None:
            self.stdout.write(
                f"dry run: {batch.rows} rows OK, would create {len(batch.new_applicants)} "
                f"children and {len(batch.applications)} applications; nothing written"
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"imported {summary['rows']} rows: {summary['applicants_created']} children, "
                f"{summary['applications_created']} applications"
            )
        )
