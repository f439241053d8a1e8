"""Accessibility check with axe-core (axe-playwright-python)."""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()

# WCAG 2.2 A/AA plus axe's best practices (landmarks, headings, ...).
DEFAULT_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page, *, tags=None, context=None) -> list[dict]:
    options = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": tags or DEFAULT_TAGS}}
    return _axe.run(page, context=context, options=options).response["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v.get('impact') or '-'}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}")
            lines.append(f"       {node.get('html', '')[:200]}")
            for summary_line in (node.get("failureSummary") or "").splitlines():
                lines.append(f"       {summary_line}")
    return "\n".join(lines)


def axe_check(page, *, tags=None, context=None) -> None:
    """Assert that axe finds no violations on the page as it is now."""
    violations = axe_violations(page, tags=tags, context=context)
    assert not violations, (
        f"{len(violations)} accessibility violation(s) on {page.url}:\n{format_violations(violations)}"
    )
