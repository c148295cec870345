from axe_playwright_python.sync_playwright import Axe

_axe = Axe()
# WCAG 2.1 A/AA plus axe-core's best practices: `region` (content outside every landmark) and the
# heading and landmark rules are best practices, not WCAG success criteria, and a page must pass them too.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def blocking_violations(page) -> list[str]:
    """Every axe-core violation on the current page, of any impact (minor to critical), as readable lines.

    The goal is zero: a moderate or minor finding fails a test just as a serious one does.
    """
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    problems = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
        problems.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return problems
