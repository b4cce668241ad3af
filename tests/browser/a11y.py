"""axe-core (vendored from the npm registry: tests/browser/vendor/axe-core, never a CDN) inside Playwright.

`audit(page, where)` runs axe on the page as it stands and returns the critical and serious violations,
each as one readable line; `layout_problems(page)` returns what a phone user would trip over: sideways
scrolling and tap targets under 44 px."""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BAD = ("critical", "serious")


def with_axe(context):
    """Every page the context opens carries axe (an init script: the CSP does not apply to it)."""
    context.add_init_script(path=str(AXE))
    return context


def audit(page, where):
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for v in result["violations"]:
        if v["impact"] in BAD:
            targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:4])
            lines.append(f"{where}: {v['impact']} {v['id']} ({v['help']}) at {targets}")
    return lines


SMALL_TARGETS = """() => {
  const small = [];
  const targets = 'a[href]:not(.visually-hidden-focusable), button, input:not([type=hidden]), select, textarea, '
    + 'summary, label.btn';
  document.querySelectorAll(targets).forEach(el => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!r.width || !r.height || style.visibility === 'hidden') return;
    if (el.matches('.visually-hidden')) return;  // a hidden file field: its visible label or button is the target
    // A link inside a sentence or a table cell is text, not a target (WCAG 2.5.5's inline exception).
    if (el.tagName === 'A' && !el.matches('.btn, .nav-link, .gjj-target, .dropdown-item, .page-link')
        && getComputedStyle(el).display === 'inline') return;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const label = el.closest('.form-check, label, .checkbox-row');
      const box = label ? label.getBoundingClientRect() : r;
      if (box.height >= 44) return;
    }
    if (r.height < 44 || r.width < 44) {
      const name = (el.innerText || el.name || el.id || el.tagName).trim().slice(0, 20);
      small.push(name + ' ' + Math.round(r.width) + '×' + Math.round(r.height));
    }
  });
  return small;
}"""


SWIPED = """() => {
  // A box that scrolls sideways inside the page (a table in .table-responsive): what it hides needs a swipe.
  const found = [];
  document.querySelectorAll('body *').forEach(el => {
    const s = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(s.overflowX) || el.scrollWidth <= el.clientWidth + 1) return;
    if (s.visibility === 'hidden') return;
    const name = (el.id || el.className || el.tagName).toString().slice(0, 40);
    found.push(name + ' +' + (el.scrollWidth - el.clientWidth) + 'px');
  });
  return found;
}"""


def layout_problems(page, where):
    problems = []
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if wide > 1:
        problems.append(f"{where}: scrolls sideways by {wide}px")
    swiped = page.evaluate(SWIPED)
    if swiped:
        problems.append(f"{where}: hidden behind a sideways swipe: {swiped[:4]}")
    small = page.evaluate(SMALL_TARGETS)
    if small:
        problems.append(f"{where}: targets under 44 px: {small[:6]}")
    return problems
