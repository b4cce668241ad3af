from datetime import date

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from deposits.models import PersonalAccount
from deposits.selectors import account_continuous_deposit_months
from gjj_portal.identity import mask_card, mask_id_number
from policy.center import current_policy

from .lending import LoanAsk, PersonFacts, Quote, amount_problem, loan_quote
from .models import APPLICATION_OPEN, ApplicationStatus, Instalment, LoanApplication, LoanContract, LoanStatus

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


def person_facts(*, account, today: date, excluding=None) -> PersonFacts:
    """What 可贷额度 needs to know about one depositor (borrower or co-borrower), in four small reads."""
    contracts = LoanContract.objects.of_account(account)
    mine = LoanContract.objects.filter(borrower=account)
    if excluding is not None and excluding.contract_id:  # the application's own contract is not another loan
        contracts, mine = contracts.exclude(pk=excluding.contract_id), mine.exclude(pk=excluding.contract_id)
    open_loans = contracts.filter(status__in=[LoanStatus.APPLYING, LoanStatus.DISBURSED]).count()
    pending = LoanApplication.objects.filter(
        Q(account=account) | Q(co_account=account), status__in=APPLICATION_OPEN
    ).exclude(contract__isnull=False)
    if excluding is not None:
        pending = pending.exclude(pk=excluding.pk)
    return PersonFacts(
        name=account.name,
        id_number=account.id_number,
        status=account.status,
        status_label=account.get_status_display(),
        balance=account.balance,
        base=account.base,
        continuous_months=account_continuous_deposit_months(account=account, today=today),
        open_loans=open_loans,
        loans_ever=mine.count(),
        open_application=pending.values_list("number", flat=True).first() or "",
        job_category=account.job_category,
    )


def co_account_find(*, name: str, id_number: str):
    """The co-borrower's account at this center, when the name and ID number both match (else None: a
    spouse who deposits elsewhere, or not at all, counts by declared income only)."""
    if not id_number:
        return None
    return PersonalAccount.objects.filter(id_number=id_number.upper(), name=name).first()


def quote_for(*, account, co_account=None, ask: LoanAsk | None, today: date, excluding=None) -> Quote:
    policy = current_policy()
    borrower = person_facts(account=account, today=today, excluding=excluding)
    co = person_facts(account=co_account, today=today, excluding=excluding) if co_account is not None else None
    return loan_quote(borrower=borrower, co_borrower=co, ask=ask, policy=policy, today=today)


def applications_of_user(*, user):
    """The person's 贷款申请, newest first (我发起的, 贷款进度查询)."""
    return LoanApplication.objects.filter(applicant=user).order_by("-submitted_at")


def application_of_user_or_404(*, user, public_id) -> LoanApplication:
    found = LoanApplication.objects.filter(applicant=user, public_id=public_id).select_related("contract").first()
    if found is None:
        raise Http404
    return found


NODES = [
    ("申请", ApplicationStatus.SUBMITTED),
    ("受理", ApplicationStatus.ACCEPTED),
    ("审批", ApplicationStatus.APPROVED),
    ("签订合同", ApplicationStatus.SIGNED),
    ("抵押登记", ApplicationStatus.MORTGAGED),
    ("放款", ApplicationStatus.DISBURSED),
]


def application_nodes(application: LoanApplication) -> list[dict]:
    """贷款进度 of an application: seed 004's nodes, each dated by the change row that completed it (the first
    time; a 补件 sends it back to 待受理 without undoing 申请), done / current / pending."""
    reached: dict[str, object] = {}
    for change in application.changes.order_by("at", "pk"):
        reached.setdefault(change.to_status, change.at)
    nodes, current_found = [], False
    ended = application.status in (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)
    for label, status in NODES:
        at = reached.get(status)
        if at is not None:
            state = "done"
        elif ended:
            state = "pending"
        else:
            state = "pending" if current_found else "current"
            current_found = True
        nodes.append({"label": label, "state": state, "at": at})
    return nodes


def application_ask(application: LoanApplication, *, term_months: int | None = None) -> LoanAsk:
    return LoanAsk(
        house_price=application.house_price,
        second_home=application.second_home,
        term_months=term_months or application.term_months,
        method=application.method,
        other_debts=application.other_debts,
        co_income=application.co_income,
    )


def loan_workbench(*, application: LoanApplication, today: date | None = None) -> dict:
    """The reviewer's screen: the people, the house, 可贷额度 run again today on the same rules, the
    materials and the history (a read: nothing is written)."""
    today = today or timezone.localdate()
    account = application.account
    quote = quote_for(
        account=account,
        co_account=application.co_account,
        ask=application_ask(application),
        today=today,
        excluding=application,
    )
    return {
        "account": account,
        "masked_id": mask_id_number(account.id_number),
        "co_masked_id": mask_id_number(application.co_id_number) if application.co_id_number else "",
        "continuous_months": account_continuous_deposit_months(account=account, today=today),
        "quote": quote,
        "amount_problem": amount_problem(amount=application.loan_amount, quote=quote),
        "materials": application.materials.all(),
        "history": application.changes.select_related("actor").order_by("at", "pk"),
        "nodes": application_nodes(application),
        "masked_repay_card": mask_card(application.repay_card),
    }
