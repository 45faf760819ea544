"""axe-core in a Playwright page: inject the pinned copy from npm (make axe) and list what it finds."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"


def missing() -> str | None:
    """Return why axe-core cannot run here, or None when it can."""
    if not AXE.is_file():
        return f"axe-core is not installed at {AXE} (make axe, which needs npm, installs it from package-lock.json)"
    return None


def violations(page) -> list[str]:
    """Return one line per axe-core violation on the page as it is now: rule, impact, where, why."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary.replace(/\\s+/g, " "))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {node}" for v in found for node in v["nodes"]]
