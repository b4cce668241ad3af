"""Reaching a section the way a person does: on a phone through ☰ 菜单, on a PC from the side menu."""

MENU_ONLY_ON_PHONE = 768


def open_section(page, name):
    if page.viewport_size["width"] < MENU_ONLY_ON_PHONE:
        page.get_by_test_id("menu-button").click()
        menu = page.locator("#gjj-menu")
        menu.get_by_role("link", name=name).first.wait_for()
        menu.get_by_role("link", name=name).first.click()
    else:
        page.locator("header, #gjj-menu").get_by_role("link", name=name).first.click()


def press(page, name):
    """A header button (退出系统, 关闭音效): on a phone it sits in ☰ 菜单."""
    if page.viewport_size["width"] < MENU_ONLY_ON_PHONE:
        page.get_by_test_id("menu-button").click()
        page.locator("#gjj-menu").get_by_role("button", name=name).click()
    else:
        page.locator("header").get_by_role("button", name=name).click()


def choose(page, label, value):
    """A date (YYYY-MM-DD) or a month (YYYY-MM) from its 年 / 月 / 日 lists (gjj_portal/widgets.py), as a person
    picks them: each list by its spoken name, "起缴年月：年"."""
    for part, number in zip(("年", "月", "日"), value.split("-"), strict=False):
        page.get_by_label(f"{label}：{part}", exact=True).select_option(str(int(number)))
