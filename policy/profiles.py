"""The seed centers' policy profiles, loaded by a migration and by `manage.py load_policies`.

Liaoning 省直 is the default (GJJ_CENTER=liaoning). Operators edit them in admin afterwards.
"""

from datetime import date, time
from decimal import Decimal

LIAONING_REGIONS = [
    "沈阳市",
    "大连市",
    "鞍山市",
    "抚顺市",
    "本溪市",
    "丹东市",
    "锦州市",
    "营口市",
    "阜新市",
    "辽阳市",
    "盘锦市",
    "铁岭市",
    "朝阳市",
    "葫芦岛市",
    "省外",
]

# HPF loan rates, national, by the date they took effect: 首套 (≤ 5 years, > 5 years), 二套 (≤ 5, > 5).
LOAN_RATES = [
    (date(2022, 10, 1), Decimal("0.0260"), Decimal("0.0310"), Decimal("0.03025"), Decimal("0.03575")),
    (date(2024, 5, 18), Decimal("0.0235"), Decimal("0.0285"), Decimal("0.02775"), Decimal("0.03325")),
    (date(2025, 5, 8), Decimal("0.0210"), Decimal("0.0260"), Decimal("0.02525"), Decimal("0.03075")),
]
# 贷款申请材料 (the checklist a depositor uploads, the same words on the form, the upload and the workbench).
LOAN_MATERIALS = ["身份证", "婚姻状况证明", "购房合同", "首付款证明", "收入证明"]
PREPAYMENT_WINDOW = ("prepayment", "workdays", time(7, 0), time(17, 0))

PROFILES = {
    "liaoning": {
        "center_code": "219900",
        "collection_bank": "中国建设银行沈阳铁西支行",
        "collection_account_no": "21001360101052500001",
        "center_name": "辽宁省省直住房资金管理中心",
        "loan_max_amount": Decimal("600000.00"),
        "loan_max_amount_couple": Decimal("800000.00"),
        "loan_min_deposit_months": 6,
        "loan_balance_multiple": Decimal("15.00"),
        "loan_materials": LOAN_MATERIALS,
        "local_region": "沈阳市",
        "rental_regions": LIAONING_REGIONS,
        "rent_monthly_cap": Decimal("1500.00"),
        "rent_min_deposit_months": 3,
        "rent_withdrawals_per_year": 1,
        "min_balance_after_withdrawal": Decimal("10.00"),
        "review_sla_days": 3,
        "banks": ["建设银行", "工商银行", "盛京银行"],
        "interest_rates": [(date(2016, 2, 21), Decimal("0.0150"))],
        "loan_rates": LOAN_RATES,
        "prepay_min_amount": Decimal("10000.00"),
        "windows": [("withdrawal", "daily", time(8, 0), time(22, 0)), PREPAYMENT_WINDOW],
    },
    "ningbo": {
        "center_code": "330200",
        "collection_bank": "中国工商银行宁波分行营业部",
        "collection_account_no": "3901110009200012345",
        "center_name": "宁波市住房公积金管理中心",
        "loan_max_amount": Decimal("600000.00"),
        "loan_max_amount_couple": Decimal("1200000.00"),
        "loan_min_deposit_months": 12,
        "loan_balance_multiple": Decimal("20.00"),
        "loan_down_payment_second": Decimal("0.25"),
        "loan_materials": LOAN_MATERIALS,
        "login_requires_sms": True,
        "login_requires_enrollment": True,
        "local_region": "宁波市",
        "rental_regions": ["宁波市", "省内其他城市", "省外"],
        "rent_monthly_cap": Decimal("2000.00"),
        "rent_min_deposit_months": 3,
        "rent_withdrawals_per_year": 1,
        "min_balance_after_withdrawal": Decimal("0.00"),
        "review_sla_days": 3,
        "banks": ["工商银行", "农业银行", "中国银行", "建设银行", "宁波银行"],
        "interest_rates": [(date(2016, 2, 21), Decimal("0.0150"))],
        "loan_rates": LOAN_RATES,
        "prepay_min_amount": Decimal("10000.00"),
        "windows": [("withdrawal", "daily", time(8, 0), time(22, 0)), PREPAYMENT_WINDOW],
    },
    "liuzhou": {
        "center_code": "450200",
        "collection_bank": "中国建设银行柳州分行",
        "collection_account_no": "45050161001050000001",
        "center_name": "柳州市住房公积金管理中心",
        "loan_max_amount": Decimal("500000.00"),
        "loan_max_amount_couple": Decimal("700000.00"),
        "loan_materials": LOAN_MATERIALS,
        "local_region": "柳州市",
        "rental_regions": ["柳州市", "区内其他城市", "区外"],
        "rent_monthly_cap": Decimal("1200.00"),
        "rent_min_deposit_months": 3,
        "rent_withdrawals_per_year": 1,
        "min_balance_after_withdrawal": Decimal("0.00"),
        "review_sla_days": 3,
        "banks": ["工商银行", "建设银行", "柳州银行"],
        "interest_rates": [(date(2016, 2, 21), Decimal("0.0150"))],
        "loan_rates": LOAN_RATES,
        "prepay_min_amount": Decimal("10000.00"),
        "windows": [
            ("withdrawal", "daily", time(8, 0), time(22, 0)),
            PREPAYMENT_WINDOW,
        ],
    },
    "taiyuan": {
        "center_code": "140100",
        "collection_bank": "中国工商银行太原并州支行",
        "collection_account_no": "0502120009200088001",
        "center_name": "太原住房公积金管理中心",
        "loan_max_amount": Decimal("600000.00"),
        "loan_max_amount_couple": Decimal("900000.00"),
        "loan_materials": LOAN_MATERIALS,
        "local_region": "太原市",
        "rental_regions": ["太原市", "省内其他城市", "省外"],
        "rent_monthly_cap": Decimal("1500.00"),
        "rent_min_deposit_months": 3,
        "rent_withdrawals_per_year": 1,
        "min_balance_after_withdrawal": Decimal("0.00"),
        "review_sla_days": 3,
        "banks": ["工商银行", "建设银行", "晋商银行"],
        "interest_rates": [(date(2016, 2, 21), Decimal("0.0150"))],
        "loan_rates": LOAN_RATES,
        "prepay_min_amount": Decimal("10000.00"),
        "windows": [("withdrawal", "daily", time(8, 0), time(22, 0)), PREPAYMENT_WINDOW],
    },
}


RELATED = ("banks", "windows", "interest_rates", "loan_rates")


def load_profiles(CenterPolicy, PolicyBank, BusinessWindow, InterestRate, LoanRate, *, overwrite=False):
    """Create (or, with overwrite, reset) each profile. Takes the model classes so a migration can call it."""
    created = 0
    for code, data in PROFILES.items():
        # A migration's historical model may predate some fields (center_code came later, with its own migration).
        known = {f.name for f in CenterPolicy._meta.get_fields()}
        fields = {k: v for k, v in data.items() if k not in RELATED and k in known}
        policy, was_created = CenterPolicy.objects.get_or_create(code=code, defaults=fields)
        if not was_created and not overwrite:
            continue
        created += was_created
        if overwrite:
            CenterPolicy.objects.filter(pk=policy.pk).update(**fields)
            policy.banks.all().delete()
            policy.windows.all().delete()
            policy.interest_rates.all().delete()
            policy.loan_rates.all().delete()
        PolicyBank.objects.bulk_create(
            PolicyBank(policy=policy, name=name, position=i) for i, name in enumerate(data["banks"])
        )
        BusinessWindow.objects.bulk_create(
            BusinessWindow(policy=policy, business=b, days=d, opens_at=o, closes_at=c) for b, d, o, c in data["windows"]
        )
        InterestRate.objects.bulk_create(
            InterestRate(policy=policy, effective_from=f, annual_rate=r) for f, r in data["interest_rates"]
        )
        LoanRate.objects.bulk_create(
            LoanRate(
                policy=policy,
                effective_from=f,
                up_to_five_years=a,
                over_five_years=b,
                second_up_to_five_years=c,
                second_over_five_years=d,
            )
            for f, a, b, c, d in data["loan_rates"]
        )
    return created
