from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from deposits import remittance
from deposits.models import Employer


class Command(BaseCommand):
    help = "Post an employer's 当月汇缴 (or 补缴) list from an XLSX/CSV file; one bad row rejects the whole file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--employer", required=True, metavar="DWZH")
        parser.add_argument("--period", help="YYYY-MM for 当月汇缴 (default: this month)")
        parser.add_argument("--supplementary", action="store_true", help="the file is a 补缴清册")

    def handle(self, *args, file, employer, period, supplementary, **options):
        unit = Employer.objects.filter(dwzh=employer).first()
        if unit is None:
            raise CommandError(f"没有单位账号为 {employer} 的单位。")
        if not file.exists():
            raise CommandError(f"找不到文件 {file}")
        headers = remittance.SUPPLEMENTARY_HEADERS if supplementary else remittance.MONTHLY_HEADERS
        period = period or timezone.localdate().strftime("%Y-%m")
        try:
            table = remittance.read_table(file.name, file.read_bytes(), headers, max_rows=settings.GJJ_IMPORT_MAX_ROWS)

            def progress(rows, total):
                return tqdm(rows, total=total, desc="校验", unit="行", file=self.stderr._out, disable=None)

            if supplementary:
                rows = remittance.validate_supplementary(
                    employer=unit, rows=table, today=timezone.localdate(), progress=progress
                )
                batch = remittance.supplementary_post(employer=unit, rows=rows, source=file.name)
            else:
                rows = remittance.validate_monthly(employer=unit, period=period, rows=table, progress=progress)
                batch = remittance.remittance_post(employer=unit, period=period, rows=rows, source=file.name)
        except remittance.ListRejected as exc:
            for e in exc.errors:
                self.stdout.write(f"第{e.row}行 {e.field}：{e.reason}")
            raise CommandError(f"清册有{len(exc.errors)}处错误，全部未入账。") from exc
        except remittance.EmployerError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"posted {batch.rows} rows, total {batch.total:,.2f}")
