"""贷款结清证明: the PDF of a paid-off loan, with its verification code and QR code (gjj_portal.pdf)."""

from reportlab.lib.units import mm

from gjj_portal.pdf import IssuedPdf
from policy.center import center_seal_png


def settlement_pdf(snapshot: dict, *, code: str, verify_url: str) -> bytes:
    doc = IssuedPdf(title="住房公积金贷款结清证明", pdf_title=f"贷款结清证明 {snapshot['contract_no']}")
    doc.text(f"兹证明 {snapshot['name']}（身份证号 {snapshot['id_number_masked']}）在我中心办理的住房公积金贷款")
    doc.text("已全部还清本息，借款合同已结清。贷款情况如下：")
    doc.y -= 4 * mm
    rows = [
        ("借款合同编号", snapshot["contract_no"]),
        ("贷款金额（元）", snapshot["principal"]),
        ("贷款期限", snapshot["term"]),
        ("贷款发放日期", snapshot["disbursed_on"]),
        ("结清日期", snapshot["settled_on"]),
        ("贷款余额（元）", "0.00"),
    ]
    doc.table(rows)
    return doc.finish(
        code=code,
        verify_url=verify_url,
        center_name=snapshot["center_name"],
        issued_on=snapshot["issued_on"],
        seal_png=center_seal_png(),
    )


def contract_pdf(application, *, center_name: str) -> bytes:
    """借款合同 as signed at the 面签: the parties, the house and the approved terms (the depositor's copy)."""
    from gjj_portal.identity import mask_id_number

    contract = application.contract
    doc = IssuedPdf(title="住房公积金借款合同", pdf_title=f"借款合同 {contract.contract_no}")
    doc.text(f"借款合同编号：{contract.contract_no}　　贷款申请编号：{application.number}")
    doc.y -= 2 * mm
    rows = [
        ("贷款人", center_name),
        ("借款人", f"{application.account.name}（身份证号 {mask_id_number(application.account.id_number)}）"),
        ("共同借款人", application.co_name or "无"),
        ("房屋坐落", application.house_address),
        ("房屋总价（元）", f"{application.house_price:,.2f}"),
        ("贷款金额（元）", f"{contract.amount:,.2f}"),
        ("贷款期限", f"{contract.term_months} 个月"),
        ("年利率", f"{contract.annual_rate * 100:.3f}%"),
        ("还款方式", contract.get_method_display()),
        ("受托还款银行", contract.repay_bank),
        ("贷款发放至", f"{application.payee_name}（{application.payee_bank}）"),
        ("合同签订日期", f"{application.signed_on:%Y-%m-%d}"),
        ("贷款状态", contract.get_status_display()),
    ]
    doc.table(rows)
    doc.y -= 4 * mm
    doc.text("借款人按还款计划按月归还贷款本息，首次还款日为放款次月的对应日。", size=10)
    return doc.close(center_name=center_name, issued_on=f"{application.signed_on:%Y-%m-%d}", seal_png=center_seal_png())
