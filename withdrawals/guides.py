"""办事指南: what a depositor should know before filling in each kind of withdrawal, in the policy's
numbers (who may apply, materials, how the amount is computed, when the money arrives)."""

from policy.center import PolicySnapshot

from .models import WithdrawalKind

MATERIALS: dict[str, str] = {
    WithdrawalKind.RENT: (
        "租房地区不为本地或与单位所在地区不一致时，上传租房合同（或租赁备案证明）及租金支付凭证；否则无需上传。"
    ),
    WithdrawalKind.DISABILITY: "劳动能力鉴定机构出具的完全丧失劳动能力鉴定结论书，以及与单位终止劳动关系的证明。",
    WithdrawalKind.RETIREMENT: (
        "未达法定退休年龄但已办理退休的，上传退休证或社保机构出具的退休（养老金领取）证明；已达法定退休年龄的无需上传。"
    ),
    WithdrawalKind.LEAVING: "与单位解除（终止）劳动关系的证明，以及户籍不在本地的户口簿页。",
    WithdrawalKind.COMMERCIAL_LOAN: "商业银行个人住房贷款合同及本期还款明细（银行流水）。",
    WithdrawalKind.HPF_LOAN: "住房公积金贷款合同及本期还款明细。",
}


# One upload slot per document, in the same words as MATERIALS (the form's 办事指南 and the upload page say
# the same thing; test_uploads checks each name is in its sentence). A reviewer's 补件 request adds one more.
MATERIAL_SLOTS: dict[str, list[str]] = {
    WithdrawalKind.RENT: ["租房合同（或租赁备案证明）", "租金支付凭证"],
    WithdrawalKind.DISABILITY: ["完全丧失劳动能力鉴定结论书", "与单位终止劳动关系的证明"],
    WithdrawalKind.RETIREMENT: ["退休证或社保机构出具的退休（养老金领取）证明"],
    WithdrawalKind.LEAVING: ["与单位解除（终止）劳动关系的证明", "户籍不在本地的户口簿页"],
    WithdrawalKind.COMMERCIAL_LOAN: ["商业银行个人住房贷款合同", "本期还款明细（银行流水）"],
    WithdrawalKind.HPF_LOAN: ["住房公积金贷款合同", "本期还款明细"],
}
REQUESTED_SLOT = "中心要求补充的材料"
PAYOUT_WORKING_DAYS = 1  # 审核通过 → 到账, as the 办事指南 says and the application's timeline expects


def guide_for(kind: str, policy: PolicySnapshot) -> list[tuple[str, str]]:
    """(heading, text) rows of the 办事指南 shown above the form."""
    closing = "账户余额加截至今日的利息全部提取，提取后账户销户。"
    kind = WithdrawalKind(kind)
    who = {
        WithdrawalKind.RENT: (
            f"账户状态正常、连续足额缴存满{policy.rent_min_deposit_months}个月、本人及配偶在本市无自有住房的缴存职工，"
            f"每年可申请{policy.rent_withdrawals_per_year}次。"
        ),
        WithdrawalKind.DISABILITY: (
            "完全丧失劳动能力并与单位终止劳动关系、账户已封存（封存原因：完全丧失劳动能力）的缴存职工。"
        ),
        WithdrawalKind.RETIREMENT: (
            "已达到法定退休年龄（按2025年起渐进式延迟退休规定计算），或已办理退休手续的缴存职工。"
        ),
        WithdrawalKind.LEAVING: (
            f"与单位终止劳动关系、户籍不在本市，且账户封存满{policy.closing_min_sealed_months}个月的缴存职工。"
        ),
        WithdrawalKind.COMMERCIAL_LOAN: (
            f"在商业银行贷款购买本市自住住房的主贷人，每年可申请{policy.loan_withdrawals_per_year}次。"
        ),
        WithdrawalKind.HPF_LOAN: (
            f"住房公积金贷款的借款人，贷款无逾期，每年可申请{policy.loan_withdrawals_per_year}次。"
        ),
    }[kind]
    amount = {
        WithdrawalKind.RENT: (
            f"不超过 月租金×租房月数、每月{policy.rent_monthly_cap:,.0f}元×租房月数 和 账户可用余额 三者中的最小值；"
            "填入月租金和起止月份后，页面给出可提取金额。"
        ),
        WithdrawalKind.DISABILITY: closing + "点击“计算”可查看可提取金额。",
        WithdrawalKind.RETIREMENT: closing + "点击“计算”可查看可提取金额。",
        WithdrawalKind.LEAVING: closing + "点击“计算”可查看可提取金额。",
        WithdrawalKind.COMMERCIAL_LOAN: "不超过所选贷款本期已归还的本息，且不超过账户余额。",
        WithdrawalKind.HPF_LOAN: "不超过本期应还本息，且不超过账户余额；输入提取材料号后点击“计算”。",
    }[kind]
    return [
        ("谁可以申请", who),
        ("需要的材料", MATERIALS[kind]),
        ("可提取金额", amount),
        (
            "多久到账",
            f"提交后{policy.review_sla_days}个工作日内审核；审核通过后资金转入您填写的本人银行卡，一般{PAYOUT_WORKING_DAYS}个工作日内到账。"
            "进度可在“我发起的”查看，每一步都会发消息通知您。",
        ),
        ("咨询电话", f"服务热线 {policy.hotline}（工作日 8:30–17:00）。"),
    ]


def standing_guide(policy: PolicySnapshot) -> list[tuple[str, str]]:
    """委托提取（按月）."""
    return [
        (
            "谁可以申请",
            "按月付房租（本地租房）或按月偿还住房公积金贷款、商业住房贷款的缴存职工，签订委托提取协议后每月自动提取。",
        ),
        ("需要的材料", "无需上传材料；租房的填写月租金和房屋地址，还贷的选择贷款。"),
        (
            "可提取金额",
            f"每月{policy.standing_day}日起按协议提取当月房租（每月不超过{policy.rent_monthly_cap:,.0f}元）或当月还款额，"
            f"提取后账户至少留存{policy.min_balance_after_withdrawal:,.0f}元。",
        ),
        ("多久到账", "每月自动审核、转入协议中的本人银行卡；每次提取都会发消息通知您，协议可随时撤销。"),
        ("咨询电话", f"服务热线 {policy.hotline}（工作日 8:30–17:00）。"),
    ]
