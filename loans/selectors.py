from django.http import Http404

from gjj_portal.sql import Combined, models

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
    return contract.schedule.filter(state=Instalment.State.OVERDUE).exists()


def unpaid_instalments(*, contract: LoanContract):
    return contract.schedule.exclude(state=Instalment.State.PAID).order_by("period")


def loans_overview_read(*, user) -> Combined:
    """我的贷款 on the home page and 贷款信息: each contract (as borrower or co-borrower) with its next unpaid
    instalment, as two reads a page sends with its others. Read on every home page, so SQL written once
    (gjj_portal/sql.py); tests hold it equal to contracts_of_user and unpaid_instalments."""
    account = getattr(user, "account", None)
    account_id = account.pk if account is not None else None  # no account: no row matches NULL
    contracts = models(
        LoanContract,
        "SELECT * FROM loans_loancontract WHERE borrower_id = %s OR co_borrower_id = %s ORDER BY contract_no",
        [account_id, account_id],
    )
    nexts = models(  # the unpaid instalment of the lowest period of each of those contracts
        Instalment,
        "SELECT i.* FROM loans_instalment i JOIN (SELECT j.contract_id, min(j.period) AS period FROM loans_instalment j"
        " JOIN loans_loancontract c ON c.id = j.contract_id WHERE (c.borrower_id = %s OR c.co_borrower_id = %s)"
        " AND j.state <> %s GROUP BY j.contract_id) n ON n.contract_id = i.contract_id AND n.period = i.period",
        [account_id, account_id, Instalment.State.PAID],
    )

    def pair(contracts, nexts):
        by_contract = {i.contract_id: i for i in nexts}
        return [{"contract": c, "next": by_contract.get(c.pk)} for c in contracts]

    return Combined(contracts, nexts, combine=pair)
