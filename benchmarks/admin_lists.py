"""The admin lists reviewers and operators open every day, at a center's size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/admin_lists.py [REPEAT]

On the generated database (generate.py), as a superuser through Django's test client (the whole
request: middleware, queries, templates): the median of REPEAT requests of each page, against the limit
measured in the same run: a bare admin page that reads no table (the password-change form). Target:
every list under 300 ms.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

TARGET_MS = 300


def pages(meta: dict) -> list[tuple[str, str, dict]]:
    k = meta["accounts"] // 2
    grzh, id_number, name = f"9{k:011d}", f"21{k:015d}x", f"职工{k}"
    from withdrawals.models import WithdrawalApplication

    number = WithdrawalApplication.objects.order_by("-pk").values_list("number", flat=True).first() or "TQ0"
    return [
        ("账户明细: list", "/admin/deposits/ledgerentry/", {}),
        ("账户明细: search 个人账号", "/admin/deposits/ledgerentry/", {"q": grzh}),
        ("账户明细: search 身份证号", "/admin/deposits/ledgerentry/", {"q": id_number}),
        ("账户明细: search 业务流水", "/admin/deposits/ledgerentry/", {"q": number}),
        ("账户明细: filter 年终结息", "/admin/deposits/ledgerentry/", {"kind__exact": "interest"}),
        ("账户明细: filter 汇缴", "/admin/deposits/ledgerentry/", {"kind__exact": "remittance"}),
        ("账户明细: page 50", "/admin/deposits/ledgerentry/", {"p": "50"}),
        ("个人账户: list", "/admin/deposits/personalaccount/", {}),
        ("个人账户: search 个人账号", "/admin/deposits/personalaccount/", {"q": grzh}),
        ("个人账户: search 姓名", "/admin/deposits/personalaccount/", {"q": name}),
        ("个人账户: search 单位账号", "/admin/deposits/personalaccount/", {"q": "B0000007"}),
        ("个人账户: filter 冻结", "/admin/deposits/personalaccount/", {"status__exact": "frozen"}),
        ("个人账户: filter 封存", "/admin/deposits/personalaccount/", {"status__exact": "sealed"}),
        ("提取申请: 待审核", "/admin/withdrawals/withdrawalapplication/", {"queue": "review"}),
        ("提取申请: 待复核放款", "/admin/withdrawals/withdrawalapplication/", {"queue": "release"}),
        ("提取申请: 已到账", "/admin/withdrawals/withdrawalapplication/", {"status__exact": "paid"}),
        ("提取申请: 已超期", "/admin/withdrawals/withdrawalapplication/", {"overdue": "yes"}),
        ("提取申请: search 申请编号", "/admin/withdrawals/withdrawalapplication/", {"q": number}),
        ("提取申请: search 个人账号", "/admin/withdrawals/withdrawalapplication/", {"q": grzh}),
        ("用户: list", "/admin/accounts/user/", {}),
        ("用户: filter 中心工作人员", "/admin/accounts/user/", {"role__exact": "staff"}),
        ("用户: search 手机号", "/admin/accounts/user/", {"q": f"139{k:08d}"}),
        ("消息: list", "/admin/messages_center/message/", {}),
    ]


def main(repeat: int) -> int:
    common.setup_django()
    meta = common.require_generated()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import Role, User

    setup_test_environment()
    admin, _ = User.objects.get_or_create(
        username="benchadmin", defaults={"is_staff": True, "is_superuser": True, "role": Role.STAFF}
    )
    client = Client()
    client.force_login(admin)

    def get(path, params):
        response = client.get(path, params)
        assert response.status_code == 200, (path, params, response.status_code)

    limit = common.median_ms(common.timed(lambda: get("/admin/password_change/", {}), repeat))
    table = common.Table(
        f"Admin lists at {meta['accounts']:,} accounts, {meta['accounts'] * meta['months']:,} ledger entries, "
        f"{meta['applications']:,} applications, {meta['users']:,} users"
    )
    for label, path, params in pages(meta):
        ms = common.median_ms(common.timed(lambda path=path, params=params: get(path, params), repeat))
        table.add(
            label,
            f"{ms:.0f} ms",
            f"bare admin page {limit:.0f} ms",
            f"{ms / limit:.1f}×",
            f"< {TARGET_MS} ms",
            ms < TARGET_MS,
        )
    table.print()
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
