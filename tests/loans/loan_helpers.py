"""A 贷款申请 as the depositor submits it, and the staff who move it on (one person per step)."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gjj_portal.uploads import material_check
from loans import applications
from policy.center import current_policy

PAYEE = {"payee_name": "沈阳示例置业有限公司", "payee_bank": "建设银行", "payee_account": "21050110123456789"}


def png(name="scan.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 220, 240)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def fields(**overrides) -> dict:
    day = applications.signing_days(today=timezone.localdate())[0]
    values = {
        "house_kind": "new",
        "purchase_contract_no": "SY2026-000123",
        "house_address": "沈阳市和平区示例路1号1-2-301",
        "house_area": Decimal("89.50"),
        "house_price": Decimal("1200000"),
        "second_home": False,
        "co_name": "",
        "co_id_number": "",
        "co_phone": "",
        "co_income": Decimal("0"),
        "other_debts": Decimal("0"),
        "amount": Decimal("500000"),
        "term_months": 240,
        "method": "equal_instalment",
        "repay_bank": "建设银行",
        "repay_card": "6217000010000012345",
        **PAYEE,
        "signing_on": day,
        "signing_half": "am",
    }
    return {**values, **overrides}


def materials() -> list:
    return [(kind, f"{kind}.png", *material_check(png(f"{kind}.png"))) for kind in current_policy().loan_materials]


def submitted_loan(user, **overrides):
    return applications.loan_application_submit(
        user=user, account=user.account, fields=fields(**overrides), materials=materials(), today=timezone.localdate()
    )


def through_mortgage(application, acceptor, approver, clerk, contract_no="DK-SY-2026-0001"):
    applications.loan_accept(application_id=application.pk, staff=acceptor)
    applications.loan_approve(application_id=application.pk, staff=approver, opinion="同意")
    applications.loan_contract_sign(
        application_id=application.pk, staff=clerk, contract_no=contract_no, signed_on=timezone.localdate()
    )
    applications.loan_mortgage_record(
        application_id=application.pk,
        staff=clerk,
        on=timezone.localdate(),
        certificate="辽(2026)沈阳市不动产证明第0012345号",
    )
    application.refresh_from_db()
    return application
