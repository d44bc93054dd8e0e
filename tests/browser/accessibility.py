"""WCAG 2.1 A and AA checks with axe-core, run inside the page the browser test is looking at.

axe-core comes from npm (package.json pins it; `make install` runs `npm ci`). Its script is
evaluated through Playwright rather than added as a <script> tag, so a Content-Security-Policy on
the portal cannot block it.
"""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NODES_SHOWN = 3
HTML_SHOWN = 300

MISSING_AXE = (
    "axe-core saknas (node_modules/axe-core/axe.min.js): kör `npm ci` (eller `make install`; "
    "Debians paket 'npm') för att köra tillgänglighetskontrollerna."
)

RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return {
        version: axe.version,
        violations: results.violations.map((rule) => ({
            id: rule.id,
            impact: rule.impact,
            help: rule.help,
            helpUrl: rule.helpUrl,
            nodes: rule.nodes.map((node) => ({
                target: node.target,
                html: node.html,
                failureSummary: node.failureSummary,
            })),
        })),
    };
}"""


def axe_source() -> str | None:
    """The text of axe.min.js, or None when npm has not installed it."""
    try:
        return AXE_SCRIPT.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


# What Chromium says when axe was started in a document that a navigation then replaced: the
# click before the check had started loading the next page, and the new document had no
# documentElement yet, or the old one's context was gone.
NAVIGATING = ("Execution context was destroyed", "reading 'documentElement'")
ATTEMPTS = 3


def axe_violations(page, source: str) -> list[dict]:
    """Run axe's WCAG 2.1 A and AA rules on the page once it has loaded, and return the violations.

    A click that follows a link returns once the navigation has begun, so the page is first let
    finish loading; if a navigation still replaces the document under axe, the check runs again on
    the page that arrived.
    """
    from playwright.sync_api import Error

    for attempt in range(1, ATTEMPTS + 1):
        page.wait_for_load_state("load")
        try:
            if not page.evaluate("typeof window.axe === 'object'"):
                page.evaluate(source)
            results = page.evaluate(RUN_AXE, WCAG_21_AA)
        except Error as error:
            if attempt == ATTEMPTS or not any(sign in str(error) for sign in NAVIGATING):
                raise
            continue
        return results["violations"]


def selector(target: list) -> str:
    """axe's target: one selector per frame, a list of them where shadow roots are crossed."""
    return " >> ".join(part if isinstance(part, str) else " >>> ".join(part) for part in target)


def describe(violations: list[dict], *, name: str, url: str) -> str:
    """A readable report: each rule, its impact and help, and the first few offending elements."""
    lines = [f"axe: {len(violations)} WCAG 2.1 A/AA rule(s) violated on {name!r} ({url})"]
    for rule in violations:
        nodes = rule["nodes"]
        lines.append("")
        lines.append(f"{rule['id']} [{rule['impact']}]: {rule['help']} ({len(nodes)} element(s))")
        lines.append(f"  {rule['helpUrl']}")
        for node in nodes[:NODES_SHOWN]:
            target = selector(node["target"])
            html = node["html"]
            if len(html) > HTML_SHOWN:
                html = html[:HTML_SHOWN] + "…"
            lines.append(f"  - {target}")
            lines.append(f"    {html}")
        if len(nodes) > NODES_SHOWN:
            lines.append(f"  … and {len(nodes) - NODES_SHOWN} more")
    return "\n".join(lines)


def save_report(violations: list[dict], *, name: str, url: str) -> Path:
    """Keep axe's findings next to the screenshots, for people reviewing a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"axe-{name}.json"
    report = {"url": url, "tags": WCAG_21_AA, "violations": violations}
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
