"""No template may need 'unsafe-inline' or eval: no style attributes, inline <script> blocks,
on* event handlers, hx-on or javascript: URLs (the CSP would block them). Styles go in
static/css/, scripts in static/js/. Mail bodies (templates under a `mail/` folder) are not
pages of the site: mail programs drop style sheets, so they style inline, and the site never
serves them under its policy (the admin's local outbox shows one on a page of its own that
allows inline styles and no script)."""

import re
from pathlib import Path

from django.conf import settings

FORBIDDEN = {
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "<style> block": re.compile(r"<style[\s>]", re.IGNORECASE),
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on": re.compile(r"\shx-on[:-]", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def project_templates() -> list[Path]:
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(settings.BASE_DIR) / app / "templates" for app in ("accounts", "dashboard",
              "catalog_app", "orders_app", "favourites")]  # fmt: skip
    return sorted(
        p for root in roots if root.exists() for p in root.rglob("*.html") if "mail" not in p.parts
    )


def test_no_template_needs_unsafe_inline_or_eval():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}: {match.group(0)[:60]}"
        for path in project_templates()
        for what, pattern in FORBIDDEN.items()
        for match in pattern.finditer(path.read_text())
    ]
    assert found == []


def test_the_scan_sees_the_templates_and_would_see_a_violation():
    names = {p.name for p in project_templates()}
    assert {"base.html", "approval_detail.html", "change_list.html"} <= names
    samples = ['<p style="color:red">', "<script>alert(1)</script>", '<a onclick="x()">',
               "<style>p{}</style>", '<a href="javascript:x()">',
               '<div hx-on:click="x">']  # fmt: skip
    for sample in samples:
        assert any(p.search(sample) for p in FORBIDDEN.values()), sample
    assert not any(
        p.search('<script src="/static/x.js" defer nonce="n"></script>') for p in FORBIDDEN.values()
    )
