"""Fill the benchmark database with a center's real size, set-based (generate_series), in minutes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/generate.py \
        [--accounts 1000000] [--months 24] [--users N] [--applications N] [--employers 2000]

Drops and recreates the database `gjj_bench` (BENCH_DB), migrates it and loads the seed centers' policies,
then writes: employers; accounts with 身份证号, 手机号 and 个人账号 all distinct; one registered depositor
(the 网厅 user) for each of the first `--users` accounts (default: all), sharing one password hash;
`--months` monthly 汇缴 entries per account with running balances, ending last month, and balances equal
to their entries; `--applications` withdrawal applications (default: one per ten accounts) in the mix of
states a center's queue holds, each with its submission recorded. Then ANALYZE, so plans are real.

At 1,000,000 × 24 this is 24 million ledger rows (about 7 GB) and takes about a quarter of an hour here.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(common.database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{common.BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{common.BENCH_DB}"')


def step(label: str, sql: str, params=None) -> None:
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    print(f"  {label}: {time.perf_counter() - t0:.1f} s", flush=True)


def generate(accounts: int, months: int, users: int, applications: int, employers: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("load_policies", verbosity=0)
    today = timezone.localdate()
    first_month = (today.year * 12 + today.month - 1) - months  # months ago, as a month number
    step(
        f"{employers:,} employers",
        """INSERT INTO deposits_employer (dwzh, name, credit_code, region, status, contribution_day, suspense_balance)
           SELECT 'B' || lpad(e::text, 7, '0'), '基准单位' || e, 'BENCH' || lpad(e::text, 13, '0'), '沈阳市',
                  'normal', 15, 0
           FROM generate_series(1, %s) AS e""",
        [employers],
    )
    # Account n: 个人账号 9 + 11 digits, 身份证号 21 + 15 digits + X, 手机号 139 + 8 digits.
    step(
        f"{accounts:,} accounts",
        """INSERT INTO deposits_personalaccount
             (public_id, grzh, name, id_number, phone, status, seal_reason, base, employer_ratio, employee_ratio,
              balance, opened_on, last_paid_month, household_region, owns_house, employer_id, job_category,
              online_enabled)
           SELECT gen_random_uuid(), '9' || lpad(n::text, 11, '0'), '职工' || n, '21' || lpad(n::text, 15, '0') || 'X',
                  '139' || lpad(n::text, 8, '0'), CASE WHEN n %% 100 = 0 THEN 'sealed' ELSE 'normal' END, '',
                  3000 + (n %% 20) * 500, 0.12, 0.12,
                  (3000 + (n %% 20) * 500) * 0.24 * %s, make_date(2015, 1, 1), %s, '沈阳市', false,
                  (SELECT min(id) FROM deposits_employer) + n %% %s, 'cadre', true
           FROM generate_series(1, %s) AS n""",
        [months, _month_start(first_month + months - 1), employers, accounts],
    )
    password = make_password("bench1234")
    step(
        f"{users:,} registered depositors",
        """INSERT INTO accounts_user
             (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined,
              role, full_name, id_number, phone, must_change_password, session_version)
           SELECT %s, false, a.id_number, '', '', '', false, true, now(), 'depositor', a.name, a.id_number, a.phone,
                  false, 0
           FROM deposits_personalaccount a ORDER BY a.id LIMIT %s""",
        [password, users],
    )
    step(
        "accounts linked to their users",
        """UPDATE deposits_personalaccount a SET user_id = u.id
           FROM accounts_user u WHERE u.id_number = a.id_number""",
    )
    for m in range(months):
        month = first_month + m
        period = f"{month // 12}-{month % 12 + 1:02d}"
        step(
            f"汇缴 {period}",
            """INSERT INTO deposits_ledgerentry
                 (account_id, kind, amount, balance_after, occurred_on, period, reference, memo, created_at)
               SELECT a.id, 'remittance', a.base * 0.24, a.base * 0.24 * %s, %s, %s, 'HJ' || e.dwzh || %s,
                      %s || '汇缴', now()
               FROM deposits_personalaccount a JOIN deposits_employer e ON e.id = a.employer_id""",
            [m + 1, _month_start(month).replace(day=15), period, period, period],
        )
    step(
        f"{applications:,} withdrawal applications",
        """INSERT INTO withdrawals_withdrawalapplication
             (public_id, number, kind, status, amount, bank, card_number, card_luhn_ok, needs_materials,
              review_opinion, submitted_at, created_at, account_id, applicant_id, account_status_before)
           SELECT gen_random_uuid(), 'TQ' || to_char(t, 'YYYYMMDD') || lpad(i::text, 8, '0'),
                  (ARRAY['rent', 'rent', 'rent', 'commercial_loan', 'hpf_loan', 'retirement'])[1 + i %% 6],
                  CASE WHEN i %% 100 < 80 THEN 'paid' WHEN i %% 100 < 88 THEN 'rejected'
                       WHEN i %% 100 < 94 THEN 'submitted' WHEN i %% 100 < 96 THEN 'materials_requested'
                       WHEN i %% 100 < 99 THEN 'approved' ELSE 'paying' END,
                  1000 + i %% 9000, '中国工商银行', '6222020200112233445', true, false, '', t, t, a.id, a.user_id, ''
           FROM (SELECT i, now() - (i %% 730) * interval '1 day' - (i %% 86400) * interval '1 second' AS t,
                        (SELECT min(id) FROM deposits_personalaccount) + (i * 7919) %% %s AS account
                 FROM generate_series(1, %s) AS i) g
           JOIN deposits_personalaccount a ON a.id = g.account
           WHERE a.user_id IS NOT NULL""",
        [min(users, accounts), applications],
    )
    step(
        "their submissions recorded",
        """INSERT INTO withdrawals_statuschange (application_id, from_status, to_status, reason, at, actor_id)
           SELECT id, 'draft', 'submitted', '', submitted_at, NULL FROM withdrawals_withdrawalapplication""",
    )
    step(
        "bench_meta",
        """CREATE TABLE bench_meta AS SELECT %s::int AS accounts, %s::int AS months, %s::int AS users,
           (SELECT count(*) FROM withdrawals_withdrawalapplication)::int AS applications""",
        [accounts, months, users],
    )
    step("VACUUM ANALYZE", "VACUUM ANALYZE")


def _month_start(month_number: int):
    from datetime import date

    return date(month_number // 12, month_number % 12 + 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--users", type=int, default=None, help="registered depositors (default: every account)")
    parser.add_argument("--applications", type=int, default=None, help="default: accounts / 10")
    parser.add_argument("--employers", type=int, default=2000)
    args = parser.parse_args()
    common.server_url()
    users = args.accounts if args.users is None else min(args.users, args.accounts)
    applications = args.accounts // 10 if args.applications is None else args.applications
    print(f"generating {common.BENCH_DB}: {args.accounts:,} accounts × {args.months} months, {users:,} users")
    t0 = time.perf_counter()
    recreate_database()
    common.setup_django()
    generate(args.accounts, args.months, users, applications, max(1, min(args.employers, args.accounts)))
    print(f"done in {time.perf_counter() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
