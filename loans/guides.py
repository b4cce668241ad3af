"""办事指南 for 贷款申请, in the policy's numbers (the 办事指南 page; the rules themselves are lending.py's)."""

from policy.center import PolicySnapshot


def loan_guide(policy: PolicySnapshot) -> list[tuple[str, str]]:
    materials = "、".join(policy.loan_materials) or "身份证件、购房合同、收入证明"
    return [
        (
            "谁可以申请",
            f"连续足额缴存满{policy.loan_min_deposit_months}个月、购买或建造本市自住住房的缴存职工；"
            f"每人最多使用{policy.loan_max_count}次公积金贷款。",
        ),
        ("需要的材料", f"{materials}（在线申请时按清单逐项上传）。"),
        (
            "能贷多少",
            f"单方缴存最高{policy.loan_max_amount:,.0f}元、双方缴存最高{policy.loan_max_amount_couple:,.0f}元，"
            f"且不超过账户余额的{policy.loan_balance_multiple:g}倍；最长{policy.loan_max_years}年。"
            "可先用“贷款试算”估算每月还款额。",
        ),
        (
            "多久办好",
            f"受理、审批、签订合同、抵押登记、放款各环节{policy.loan_step_days}个工作日内办理；"
            "面签时间在网上预约，进度可在“贷款进度查询”查看。",
        ),
        ("咨询电话", f"服务热线 {policy.hotline}（工作日 8:30–17:00）。"),
    ]
