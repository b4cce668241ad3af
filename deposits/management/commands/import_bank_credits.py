from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from deposits import collection, remittance


class Command(BaseCommand):
    help = (
        "Import the bank's statement of credits on the 归集 account (XLSX/CSV with the columns 银行流水号, 到账日期, "
        "金额, 付款人户名, 付款人账号, 附言): each serial number once, matched to lists by the 缴款识别码 in 附言."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        if not file.exists():
            raise CommandError(f"找不到文件 {file}")
        try:
            table = remittance.read_table(
                file.name, file.read_bytes(), collection.STATEMENT_HEADERS, max_rows=settings.GJJ_IMPORT_MAX_ROWS
            )
        except remittance.ListRejected as exc:
            raise CommandError("；".join(f"第{e.row}行 {e.field}：{e.reason}" for e in exc.errors)) from exc
        rows, problems = collection.statement_rows(table)
        result = collection.credits_import(rows=rows, source=f"银行对账单 {file.name}")
        for number, reason in problems:
            self.stderr.write(f"第{number}行：{reason}（未导入）")
        self.stdout.write(result.summary())
