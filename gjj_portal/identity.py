"""Identity data every app handles: the GB 11643 citizen ID number, and masking for display.

Here, in the leaf app, so deposits, loans and withdrawals need not import accounts."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str) -> str | None:
    """Why this 18-digit ID number is invalid (Chinese), or None. Area codes are never checked:
    real IDs carry codes that did not exist at birth."""
    value = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "身份证号应为18位，前17位为数字，最后一位为数字或X。"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期不存在，请核对。"
    if born.year < 1900 or born > timezone.localdate():
        return "身份证号中的出生日期不合理，请核对。"
    if id_check_digit(value[:17]) != value[17]:
        return "身份证号校验位不正确，请核对后重新输入。"
    return None


def validate_id_number(value: str) -> None:
    problem = id_number_problem(value)
    if problem:
        raise ValidationError(problem, code="id_number")


def mask_id_number(value: str) -> str:
    return f"{value[:4]}{'*' * 10}{value[-4:]}" if value and len(value) == 18 else "****"


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if value and len(value) == 11 else "****"


def mask_name(value: str) -> str:
    return f"{value[0]}{'*' * (len(value) - 1)}" if value else ""


def mask_account(value: str) -> str:
    return f"{value[:4]}****{value[-4:]}" if value and len(value) > 8 else "****"


def mask_card(value: str) -> str:
    return f"{value[:4]} **** **** {value[-4:]}" if value and len(value) >= 8 else "****"


# ZJLX, the national ID type code. The portal takes the resident ID card (身份证) only: every stored ID
# number is one (the GB 11643 check above), so every record's code is 01.
ID_TYPE_CODES = {"01": "身份证", "02": "军官证", "03": "护照", "04": "外国人永久居留证", "99": "其他"}
RESIDENT_ID_CARD = "01"
