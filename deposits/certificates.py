"""The depositor's documents as PDF: 缴存证明 and 结息对账单. Each carries its verification code and a QR
code of the public verification page (gjj_portal.pdf)."""

from reportlab.lib.units import mm

from gjj_portal.pdf import CertificateUnavailable, IssuedPdf, document_code
from policy.center import center_seal_png

__all__ = ["CertificateUnavailable", "certificate_pdf", "document_code", "interest_statement_pdf"]


def certificate_pdf(snapshot: dict, *, code: str, verify_url: str) -> bytes:
    doc = IssuedPdf(title="住房公积金缴存证明", pdf_title=f"住房公积金缴存证明 {snapshot['grzh']}")
    doc.text(f"兹证明 {snapshot['name']}（身份证号 {snapshot['id_number_masked']}）在我中心缴存住房公积金，情况如下：")
    doc.y -= 6 * mm
    rows = [
        ("个人账号", snapshot["grzh"]),
        ("单位名称", snapshot["employer"]),
        ("账户状态", snapshot["status"]),
        ("缴存基数（元）", snapshot["base"]),
        ("缴存比例（单位/个人）", snapshot["ratios"]),
        ("月缴存额（元）", snapshot["monthly_amount"]),
        ("缴存月数", f"{snapshot['deposit_months']}个月（{snapshot['first_period']} 至 {snapshot['last_period']}）"),
        ("账户余额（元）", snapshot["balance"]),
    ]
    doc.table(rows)
    doc.y -= 4 * mm
    doc.text(f"以上信息截至 {snapshot['as_of']}。")
    return doc.finish(
        code=code,
        verify_url=verify_url,
        center_name=snapshot["center_name"],
        issued_on=snapshot["issued_on"],
        seal_png=center_seal_png(),
    )


def interest_statement_pdf(snapshot: dict, *, code: str, verify_url: str) -> bytes:
    """结息对账单: the year's opening balance, every entry, how the interest was computed (runs of equal
    balance and rate: days × balance = 积数, × rate / 360) and the closing balance."""
    year = snapshot["year_label"]
    doc = IssuedPdf(title="住房公积金结息对账单", pdf_title=f"住房公积金结息对账单 {snapshot['grzh']} {year}")
    doc.text(f"姓名：{snapshot['name']}    个人账号：{snapshot['grzh']}    身份证号：{snapshot['id_number_masked']}")
    doc.text(f"单位名称：{snapshot['employer']}")
    doc.text(f"结息年度：{year}（{snapshot['start']} 至 {snapshot['end']}）")
    doc.text(f"上年结转余额（元）：{snapshot['opening']}", size=12)
    doc.row([(25, "日期"), (50, "业务类型"), (85, "摘要"), (-160, "发生额（元）"), (-185, "余额（元）")], size=10)
    for entry in snapshot["entries"]:
        doc.row(
            [
                (25, entry["date"]),
                (50, entry["kind"]),
                (85, entry["memo"][:14]),
                (-160, entry["amount"]),
                (-185, entry["balance"]),
            ],
            size=9,
            step=5.5 * mm,
        )
    doc.y -= 3 * mm
    doc.text("利息计算（积数法：每日余额 × 年利率 ÷ 360，期末四舍五入到分）：", size=11)
    doc.row([(25, "起止日期"), (-110, "天数"), (-140, "余额（元）"), (-160, "年利率"), (-185, "积数（元·天）")])
    for run in snapshot["runs"]:
        doc.row(
            [
                (25, f"{run['start']} 至 {run['end']}"),
                (-110, str(run["days"])),
                (-140, run["balance"]),
                (-160, run["rate"]),
                (-185, run["product"]),
            ],
            size=9,
            step=5.5 * mm,
        )
    doc.row([(25, "积数合计"), (-185, snapshot["products"])], size=9, step=7 * mm)
    doc.text(f"本年度利息 = Σ（积数 × 年利率）÷ 360 = {snapshot['interest']} 元", size=12)
    doc.text(f"本年末余额（元）：{snapshot['closing']}", size=12)
    return doc.finish(
        code=code,
        verify_url=verify_url,
        center_name=snapshot["center_name"],
        issued_on=snapshot["issued_on"],
        seal_png=center_seal_png(),
    )
