"""The documentation, checked: the README stays short and links to every page of ``docs/``,
every relative link and image of the Markdown files points at something that exists (and a
``#anchor`` at a heading of its target), the layers ``docs/architecture.md`` states are the
ones the architecture test enforces, and ``docs/configuration.md`` lists every variable the
settings read."""

import ast
import re
from pathlib import Path

from config.tests.architecture import LAYERS, ROOT, SUBLAYERS

README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_MAX_LINES = 250

FENCE = re.compile(r"^\s{0,3}(```|~~~)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
# [text](target "title") and ![alt](target); the text may hold one level of brackets.
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.MULTILINE)
HTML_TARGET = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)=\"([^\"]+)\"", re.IGNORECASE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (a fenced block holds neither links nor headings)."""
    lines, fence = [], None
    for line in text.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and line.lstrip().startswith(fence):
            fence = None
        elif fence is None:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: links become their text, the text is lowercased, every
    character but letters, digits, ``_``, ``-`` and spaces dropped, spaces become ``-``."""
    text = re.sub(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading's anchor; a repeated heading gets ``-1``, ``-2``, ... as on GitHub."""
    seen: dict[str, int] = {}
    result = set()
    for line in prose_lines(path.read_text()):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def link_targets(path: Path) -> list[str]:
    text = CODE_SPAN.sub("", "\n".join(prose_lines(path.read_text())))
    targets = INLINE_LINK.findall(text) + REFERENCE_DEFINITION.findall(text)
    targets += HTML_TARGET.findall(text)
    return [target.strip("<>") for target in targets]


def broken_links(path: Path, *, root: Path = ROOT) -> list[str]:
    broken = []
    for target in link_targets(path):
        if SCHEME.match(target):
            continue  # https:, mailto: ...: not a file of the repository
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.relative_to(root)}: {target}"
        if not resolved.exists():
            broken.append(f"{where} (no such file)")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{where} (no heading #{anchor})")
    return broken


def test_readme_is_short():
    assert len(README.read_text().splitlines()) <= README_MAX_LINES


def test_every_relative_link_and_image_resolves():
    assert [problem for path in markdown_files() for problem in broken_links(path)] == []


def test_the_link_check_sees_what_it_checks(tmp_path):
    """The checker itself: links in code are ignored, a missing file, image or anchor is
    found, an anchor is matched on GitHub's slug, external addresses are left alone."""
    (tmp_path / "other.md").write_text(
        "# Amazon Pay for Alexa: the situation\n## Notes\n## Notes\n"
    )
    (tmp_path / "picture.png").write_bytes(b"")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#amazon-pay-for-alexa-the-situation) [twice](other.md#notes-1)\n"
        "![ok](picture.png) [web](https://example.com/x.md) [here](#title)\n"
        "# Title\n`[in code](missing.md)`\n```\n[fenced](missing.md)\n```\n"
        "[gone](missing.md) ![gone](missing.png) [bad anchor](other.md#nope)\n"
    )
    found = [problem.split(": ", 1)[1] for problem in broken_links(page, root=tmp_path)]
    assert found == [
        "missing.md (no such file)",
        "missing.png (no such file)",
        "other.md#nope (no heading #nope)",
    ]


def test_readme_links_every_docs_page():
    linked = {
        (README.parent / target.partition("#")[0]).resolve()
        for target in link_targets(README)
        if not SCHEME.match(target)
    }
    pages = {path.resolve() for path in DOCS.rglob("*.md")}
    assert sorted(str(p.relative_to(ROOT)) for p in pages - linked) == []


def documented_layers() -> list[str]:
    """The fenced block after the heading "Layers" of docs/architecture.md, one app a line."""
    lines = (DOCS / "architecture.md").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if re.fullmatch(r"#+\s+Layers\s*", line))
    opening = next(i for i in range(start + 1, len(lines)) if FENCE.match(lines[i]))
    closing = next(i for i in range(opening + 1, len(lines)) if FENCE.match(lines[i]))
    return [line.strip() for line in lines[opening + 1 : closing] if line.strip()]


def test_architecture_states_the_checked_layers():
    assert documented_layers() == LAYERS


def test_voicelab_order_is_the_checked_one():
    """docs/architecture.md says the order of voicelab's packages (``a/`` < ``b/`` < ...);
    it is the order the architecture test enforces."""
    text = (DOCS / "architecture.md").read_text()
    sentence = next(p for p in text.split("\n\n") if p.startswith("**`voicelab`**"))
    order = re.findall(r"`(\w+)/`", sentence.split("layered", 1)[1].split(":", 1)[0])
    assert order == SUBLAYERS["voicelab"]


def settings_variables() -> set[str]:
    """Every variable the settings modules (config/settings.py, commerce_settings.py,
    media_settings.py, api_settings.py) read (``env(...)``, ``env.int(...)``, ...),
    .env.example names, or an application module reads with ``os.environ.get``."""
    names = set()
    trees = [
        ast.parse((ROOT / "config" / name).read_text())
        for name in ("settings.py", "commerce_settings.py", "media_settings.py", "api_settings.py")
    ]
    for node in (node for tree in trees for node in ast.walk(tree)):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        first = node.args[0]
        func = node.func
        base = func.value if isinstance(func, ast.Attribute) else func
        if (
            isinstance(base, ast.Name)
            and base.id == "env"
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
        ):
            names.add(first.value)
    example = (ROOT / ".env.example").read_text()
    names |= set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" not in path.parts:
                names |= set(re.findall(r"os\.environ\.get\(\"([A-Z0-9_]+)\"", path.read_text()))
    return names


def test_configuration_lists_every_variable():
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (DOCS / "configuration.md").read_text()))
    variables = settings_variables()
    assert len(variables) > 70  # the scan found the settings
    assert sorted(variables - documented) == []
