"""贷款结清证明: the PDF of a paid-off loan, with its verification code and QR code (gjj_portal.pdf)."""

from reportlab.lib.units import mm

from gjj_portal.pdf import IssuedPdf


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
        code=code, verify_url=verify_url, center_name=snapshot["center_name"], issued_on=snapshot["issued_on"]
    )
