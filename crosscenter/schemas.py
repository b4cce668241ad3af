"""The declared shape of every message a partner center may send: one pydantic model per kind.

A message is checked against its kind's model before any handler runs (`message_validate`); what does not
fit (a string where a number belongs, "Infinity", a NUL, a date in year 0, a list where a word belongs,
a field nobody declared, JSON nested too deep) is answered 400 with the field at fault, and nothing is
written. Strings are as long as the columns they land in; numbers are strict (no "5" for 5); amounts are
finite, two decimals, within the columns' digits.

pydantic (not hand-written checks) because it states each field once, refuses by type in strict mode,
names the failing field's path, and parses the body itself with a bounded nesting depth."""

import re
import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

# C0 and C1 controls and the bidirectional overrides: never part of a name, an address or a reason.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _clean(value: str) -> str:
    if _FORBIDDEN.search(value):
        raise ValueError("contains a control character")
    return value


def _text(max_length: int, *, min_length: int = 0, pattern: str | None = None) -> StringConstraints:
    return StringConstraints(strict=True, max_length=max_length, min_length=min_length, pattern=pattern)


Clean = AfterValidator(_clean)


def _in_range(value: date) -> date:
    if not 1900 <= value.year <= 2100:
        raise ValueError("year outside 1900-2100")
    return value


def _month(value: str) -> str:
    if value and not 1900 <= int(value[:4]) <= 2100:
        raise ValueError("year outside 1900-2100")
    return value


Day = Annotated[date, AfterValidator(_in_range)]
Month = Annotated[str, StringConstraints(strict=True, pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$"), AfterValidator(_month)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
CaseNumber = Annotated[str, _text(16, min_length=1, pattern=r"^[0-9A-Za-z-]+$")]
IdNumber = Annotated[str, _text(18, min_length=15, pattern=r"^[0-9]{14,17}[0-9Xx]$")]
Name = Annotated[str, _text(50, min_length=1), Clean]
Reason = Annotated[str, _text(300), Clean]
Region = Annotated[str, _text(30), Clean]
Address = Annotated[str, _text(100), Clean]
Bank = Annotated[str, _text(30, min_length=1), Clean]
CardNumber = Annotated[str, _text(19, min_length=1, pattern=r"^[0-9]+$")]
Phone = Annotated[str, _text(11, pattern=r"^[0-9]*$")]
AccountNumber = Annotated[str, _text(20, pattern=r"^[0-9A-Za-z]*$")]
CenterCode = Annotated[str, _text(6, min_length=6, pattern=r"^[0-9]{6}$")]
CaseRef = Annotated[str, _text(20), Clean]
Count = Annotated[int, Field(strict=True, ge=0, le=99)]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scan(Payload):
    """One scan; its content is checked again like any upload. Base64 within the receiver's limit for all
    scans (joint.SCANS_MAX_BYTES, a third larger)."""

    name: Annotated[str, _text(100), Clean] = "scan"
    content_type: Annotated[str, _text(100), Clean] = ""
    data: Annotated[str, _text(14 * 1024 * 1024, min_length=1)]


class JointRef(Payload):
    number: CaseNumber


class Rent(Payload):
    region: Region | None = None
    address: Address | None = None
    year: Annotated[int, Field(strict=True, ge=1900, le=2100)] | None = None
    start_month: Annotated[int, Field(strict=True, ge=1, le=12)] | None = None
    end_month: Annotated[int, Field(strict=True, ge=1, le=12)] | None = None
    monthly_rent: Annotated[Decimal, Field(gt=0, max_digits=10, decimal_places=2, allow_inf_nan=False)] | None = None


class JointSubmit(JointRef):
    kind: Literal["rent", "remote_loan"]
    name: Name
    id_number: IdNumber
    phone: Phone = ""
    amount: Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
    bank: Bank
    card_number: CardNumber
    rent: Rent | None = None
    materials: Annotated[list[Scan], Field(max_length=20)] = []


class JointMaterials(JointRef):
    materials: Annotated[list[Scan], Field(max_length=20)]


class JointReceived(JointRef):
    due_on: Day | None = None


class JointResult(JointRef):
    outcome: Literal["approved", "paid", "rejected", "materials", "failed"]
    reason: Reason = ""
    amount: Money | None = None

    @model_validator(mode="after")
    def paid_names_the_amount(self):
        if self.outcome == "paid" and not self.amount:
            raise ValueError("a paid result names the amount paid")
        return self


class LetterRef(Payload):
    letter_number: CaseNumber


class TransferLetter(LetterRef):
    name: Name
    id_number: IdNumber
    old_account_number: AccountNumber = ""
    new_account_number: AccountNumber = ""


class TransferReceived(LetterRef):
    due_on: Day | None = None


class TransferReason(LetterRef):
    reason: Reason = ""


class MonthPaid(Payload):
    month: Month
    paid: Annotated[bool, Field(strict=True)]


class TransferFunds(LetterRef):
    principal: Money
    interest: Money
    total: Money
    opened_month: Month = ""
    paid_to_month: Month = ""
    continuity: Annotated[list[MonthPaid], Field(max_length=12)] = []
    loan_count: Count = 0


class TransferCredited(LetterRef):
    amount: Money


SCHEMAS: dict[str, type[Payload]] = {
    "joint.submit": JointSubmit,
    "joint.materials": JointMaterials,
    "joint.received": JointReceived,
    "joint.result": JointResult,
    "transfer.letter": TransferLetter,
    "transfer.received": TransferReceived,
    "transfer.negotiating": TransferReason,
    "transfer.refused": TransferReason,
    "transfer.cancel": TransferReason,
    "transfer.funds": TransferFunds,
    "transfer.credited": TransferCredited,
    "transfer.credit_failed": TransferReason,
}


class Envelope(BaseModel):
    """What every message carries around its payload (the signature covers these exact bytes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: uuid.UUID
    sender: CenterCode
    receiver: CenterCode
    sent_at: AwareDatetime
    kind: Literal[tuple(SCHEMAS)]  # type: ignore[valid-type]
    case_number: CaseRef = ""
    payload: dict[str, Any]


def fault(error: ValidationError) -> str:
    """The first failing field's path and pydantic's reason (what the 400 answer names)."""
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "message"
    return f"invalid {where}: {first['msg']}"


def payload_check(kind: str, payload: dict) -> None:
    """What this center sends meets the schema its partners (running this code) check it against: a
    message that would be refused is a bug here, raised before anything is queued."""
    SCHEMAS[kind].model_validate(payload)


def message_validate(body: bytes) -> tuple[Envelope, Payload]:
    """The envelope and its kind's payload, or ValidationError (the caller answers 400 with `fault`)."""
    envelope = Envelope.model_validate_json(body)
    payload = SCHEMAS[envelope.kind].model_validate(envelope.payload)
    return envelope, payload
