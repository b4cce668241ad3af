import pytest

from gjj_portal.identity import id_check_digit, id_number_problem, mask_card, mask_id_number, mask_phone


@pytest.mark.parametrize(
    "number",
    ["210102199001011237", "210103196503150029", "21010219860620204X", "210204197108083010", "330203198805120011"],
)
def test_demo_id_numbers_are_valid(number):
    assert id_number_problem(number) is None


def test_lowercase_x_is_accepted():
    assert id_number_problem("21010219860620204x") is None


def test_wrong_check_digit_is_refused_with_a_chinese_reason():
    assert "校验位" in id_number_problem("210102199001011238")


def test_impossible_birth_date_is_refused():
    # 1990-02-30 does not exist (check digit made valid so only the date is wrong)
    body = "21010219900230123"
    check = id_check_digit(body)
    assert "出生日期" in id_number_problem(body + check)


def test_area_code_that_did_not_exist_at_birth_is_not_refused():
    # 210181 (新民市 code) on a 1965 birth: real, and must pass.
    body = "21018119650101001"
    check = id_check_digit(body)
    assert id_number_problem(body + check) is None


def test_wrong_length_is_refused():
    assert "18位" in id_number_problem("21010219900101123")


def test_masks_follow_the_spec_shapes():
    assert mask_id_number("210102199001011237") == "2101**********1237"
    assert mask_phone("13800000001") == "138****0001"
    assert mask_card("6217000010001234") == "6217 **** **** 1234"
