from django.http import Http404

from gjj_portal.sql import fetch_models

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
    contracts = list(contracts_of_user(user=user))
    if not contract_no:
        return contracts, (contracts[0] if contracts else None)
    for contract in contracts:
        if contract.contract_no == contract_no:
            return contracts, contract
    raise Http404


def contract_has_overdue(*, contract: LoanContract) -> bool:
    return contract.schedule.filter(state=Instalment.State.OVERDUE).exists()


def unpaid_instalments(*, contract: LoanContract):
    return contract.schedule.exclude(state=Instalment.State.PAID).order_by("period")


def loans_overview(*, user) -> list[dict]:
    """我的贷款 on the home page: each contract (as borrower or co-borrower) with its next unpaid instalment.
    Read on every home page, so SQL written once (gjj_portal/sql.py): one query, a second only for a
    person with a loan; tests hold it equal to contracts_of_user and unpaid_instalments."""
    account = getattr(user, "account", None)
    if account is None:
        return []
    contracts = fetch_models(
        LoanContract,
        "SELECT * FROM loans_loancontract WHERE borrower_id = %s OR co_borrower_id = %s ORDER BY contract_no",
        [account.pk, account.pk],
    )
    if not contracts:
        return []
    nexts = fetch_models(
        Instalment,
        "SELECT DISTINCT ON (contract_id) * FROM loans_instalment WHERE contract_id = ANY(%s) AND state <> %s"
        " ORDER BY contract_id, period",
        [[c.pk for c in contracts], Instalment.State.PAID],
    )
    by_contract = {i.contract_id: i for i in nexts}
    return [{"contract": c, "next": by_contract.get(c.pk)} for c in contracts]
