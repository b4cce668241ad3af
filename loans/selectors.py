from django.http import Http404

from .models import Instalment, LoanContract

NO_LOAN = "您未办理贷款业务，如需办理贷款业务，请回到主页面进行贷款申请。"


def contracts_of_user(*, user):
    account = getattr(user, "account", None)
    if account is None:
        return LoanContract.objects.none()
    return LoanContract.objects.of_account(account).select_related("borrower").order_by("contract_no")


def contract_pick(*, user, contract_no: str | None) -> tuple[list[LoanContract], LoanContract | None]:
    """The user's contracts and the one chosen in the drop-down (the first if none); another person's
    contract number answers 404."""
    return contract_choose(list(contracts_of_user(user=user)), contract_no=contract_no)


def contract_choose(contracts: list, *, contract_no: str | None):
    """(contracts, the one chosen): the first if none is asked for; another person's number answers 404."""
    if not contract_no:
        return contracts, (contracts[0] if contracts else None)
    for contract in contracts:
        if contract.contract_no == contract_no:
            return contracts, contract
    raise Http404


def contract_has_overdue(*, contract: LoanContract) -> bool:
    return contract.schedule.filter(status=Instalment.State.OVERDUE).exists()


def unpaid_instalments(*, contract: LoanContract):
    return contract.schedule.exclude(status=Instalment.State.PAID).order_by("period")


def loans_overview(*, user) -> list[dict]:
    """我的贷款 on the home page and 贷款信息: each contract (as borrower or co-borrower) with its next unpaid
    instalment (a person has one or two contracts, most none)."""
    return [{"contract": c, "next": unpaid_instalments(contract=c).first()} for c in contracts_of_user(user=user)]
