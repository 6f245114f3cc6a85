"""Accessibility checks for the browser tests: axe-core (through axe-playwright-python) and touch targets.

`axe_violations(page)` runs axe-core's WCAG 2.0/2.1 A and AA rules on the page as it stands and returns
each violation as a short dict (rule id, impact, help text, how many nodes, the first few selectors), so
a failing test names what to fix. `small_targets(page)` lists every visible interactive element whose
box is under `min_px` in either direction.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_AXE = Axe()


def axe_violations(page: Any, context: Any = None) -> list[dict[str, Any]]:
    """axe-core violations of WCAG 2.0/2.1 A and AA on the page (or on `context`, an axe context)."""
    options = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": WCAG_TAGS}}
    results = _AXE.run(page, context=context, options=options)
    found = []
    for v in results.response.get("violations", []):
        nodes = v.get("nodes", [])
        found.append(
            {
                "id": v.get("id"),
                "impact": v.get("impact"),
                "help": v.get("help"),
                "nodes": len(nodes),
                "targets": [n.get("target") for n in nodes[:5]],
            }
        )
    return found


_TARGETS_JS = """
(minPx) => {
  const sel = 'a[href], button, input, select, textarea, summary, [role=button], [role=checkbox],'
    + ' [role=radio], [role=switch], [role=tab], [role=slider], [role=option], [role=combobox], [tabindex]:not([tabindex="-1"])';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
    if (el.closest('[aria-hidden=true]')) continue;
    // a visually hidden skip link (1x1 until focused) is not a touch target
    if (r.width <= 1 && r.height <= 1 && el.tagName === 'A') continue;
    if (r.width < minPx || r.height < minPx) {
      out.push({tag: el.tagName.toLowerCase(), role: el.getAttribute('role'),
                label: (el.getAttribute('aria-label') || el.innerText || el.value || '').slice(0, 60),
                width: Math.round(r.width), height: Math.round(r.height)});
    }
  }
  return out;
}
"""


def small_targets(page: Any, min_px: int = 44) -> list[dict[str, Any]]:
    """Visible interactive elements whose box is under `min_px` CSS px wide or high."""
    return list(page.evaluate(_TARGETS_JS, min_px))
