"""One accessibility check for every browser test: axe-core's WCAG 2.1 A/AA rules, plus the
duplicate-id and label checks axe 4.x no longer makes under those tags."""

from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# axe-core 4.x no longer reports duplicate ids under the WCAG tags, and its label rule accepts
# a <label for> that points at another element with the same id. Check both directly.
ID_AND_LABEL_CHECK = """() => {
  const problems = [], seen = {};
  document.querySelectorAll('[id]').forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
  Object.entries(seen).filter(([, n]) => n > 1)
    .forEach(([id, n]) => problems.push(`duplicate id "${id}" (${n} elements)`));
  document.querySelectorAll('input:not([type=hidden]), textarea, select').forEach(e => {
    if (!e.labels.length && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
      problems.push(`form control without a label: ${e.outerHTML.slice(0, 120)}`);
  });
  return problems;
}"""


def axe_problems(page: Page, label: str = "page", *, open_details: bool = True) -> list[str]:
    """Serious and critical WCAG 2.1 A/AA violations on the page, as text (empty when none).
    Collapsed <details> are opened first so that axe checks what is inside them too."""
    if open_details:
        page.locator("details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    # Colours are judged at rest: a button still fading from its pressed colour (Bootstrap's
    # 0.15 s transitions) has a contrast of neither its states.
    page.wait_for_function(
        "() => document.getAnimations()"
        ".every(a => !(a instanceof CSSTransition) || a.playState !== 'running')",
        timeout=5000,
    )
    # From the app's own static files: an inline copy would be refused by the page's CSP.
    origin = "/".join(page.url.split("/")[:3])
    page.add_script_tag(url=f"{origin}/static/vendor/axe/axe.min.js")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    problems = [f"[{label}] {problem}" for problem in page.evaluate(ID_AND_LABEL_CHECK)]
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        targets = "; ".join(
            f"{' '.join(node['target'])}: {node.get('failureSummary', '').strip()}"
            for node in violation["nodes"][:5]
        )
        problems.append(
            f"[{label}] {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}"
        )
    return problems
