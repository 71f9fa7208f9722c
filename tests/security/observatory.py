"""The Mozilla HTTP Observatory's grading, for responses of Django's test client.

A port of the rules of MDN's HTTP Observatory (github.com/mdn/mdn-http-observatory:
src/analyzer/tests/*.js, src/grader/charts.js, src/scanner/index.js): ten tests, each giving
one result with a score modifier; the score starts at 100, takes every penalty, and only if it
is then at least 90 adds the bonuses. Rules that need the outside world (the HSTS preload list,
certificate checks) are left out: they cannot apply to a test server.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import Morsel
from urllib.parse import urlsplit

GRADES = [(100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"),
          (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-"), (0, "F")]  # fmt: skip
MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90
SIX_MONTHS = 15_552_000  # the Observatory's "white lie" for 15768000

MODIFIERS = {
    "csp-implemented-with-no-unsafe-default-src-none": 10,
    "csp-implemented-with-no-unsafe": 5,
    "csp-implemented-with-unsafe-inline-in-style-src-only": 0,
    "csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
    "csp-implemented-with-unsafe-eval": -10,
    "csp-implemented-with-unsafe-inline": -20,
    "csp-implemented-with-insecure-scheme": -20,
    "csp-header-invalid": -25,
    "csp-not-implemented": -25,
    "cookies-secure-with-httponly-sessions-and-samesite": 5,
    "cookies-secure-with-httponly-sessions": 0,
    "cookies-not-found": 0,
    "cookies-without-secure-flag-but-protected-by-hsts": -5,
    "cookies-session-without-secure-flag-but-protected-by-hsts": -10,
    "cookies-without-secure-flag": -20,
    "cookies-samesite-flag-invalid": -20,
    "cookies-anticsrf-without-samesite-flag": -20,
    "cookies-session-without-httponly-flag": -30,
    "cookies-session-without-secure-flag": -40,
    "cross-origin-resource-sharing-not-implemented": 0,
    "cross-origin-resource-sharing-implemented-with-public-access": 0,
    "cross-origin-resource-sharing-implemented-with-restricted-access": 0,
    "cross-origin-resource-sharing-implemented-with-universal-access": -50,
    "redirection-to-https": 0,
    "redirection-not-needed-no-http": 0,
    "redirection-off-host-from-http": -5,
    "redirection-not-to-https-on-initial-redirection": -10,
    "redirection-not-to-https": -20,
    "redirection-missing": -20,
    "referrer-policy-private": 5,
    "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5,
    "referrer-policy-header-invalid": -5,
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10,
    "hsts-not-implemented": -20,
    "hsts-header-invalid": -20,
    "sri-implemented-and-all-scripts-loaded-securely": 5,
    "sri-implemented-and-external-scripts-loaded-securely": 5,
    "sri-not-implemented-response-not-html": 0,
    "sri-not-implemented-but-no-scripts-loaded": 0,
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
    "sri-not-implemented-but-external-scripts-loaded-securely": -5,
    "sri-not-implemented-and-external-scripts-not-loaded-securely": -50,
    "x-content-type-options-nosniff": 0,
    "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    "x-frame-options-implemented-via-csp": 5,
    "x-frame-options-sameorigin-or-deny": 0,
    "x-frame-options-allow-from-origin": 0,
    "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    "corp-implemented-with-same-origin": 10,
    "corp-implemented-with-same-site": 10,
    "corp-implemented-with-cross-origin": 0,
    "corp-not-implemented": 0,
    "corp-header-invalid": -5,
}

BROAD = {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
UNSAFE_INLINE = {"'unsafe-inline'", "data:"}
NONCE_OR_HASH = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")


@dataclass
class Scan:
    """What the Observatory fetches: the first answer over plain HTTP, the final HTTPS page
    (after redirects), and every cookie set on the way."""

    http_first: object  # response to GET http://host/
    https_final: object  # the 2xx page GET https://host/ ends on
    cookies: list[Morsel]
    host: str = "testserver"
    results: dict[str, str] = field(default_factory=dict)

    @property
    def score(self) -> int:
        modifiers = [MODIFIERS[result] for result in self.results.values()]
        score = 100 + sum(m for m in modifiers if m < 0)
        if score >= MINIMUM_SCORE_FOR_EXTRA_CREDIT:
            score += sum(m for m in modifiers if m > 0)
        return max(score, 0)

    @property
    def grade(self) -> str:
        rounded = min(self.score - self.score % 5, 100)
        return next(grade for floor, grade in GRADES if rounded >= floor)


def grade(scan: Scan) -> Scan:
    headers = scan.https_final.headers
    csp = parse_csp(headers.get("Content-Security-Policy"))
    scan.results["content-security-policy"] = csp_result(csp)
    hsts = hsts_result(headers.get("Strict-Transport-Security"))
    scan.results["strict-transport-security"] = hsts
    scan.results["cookies"] = cookies_result(scan.cookies, hsts_ok=hsts.endswith("six-months"))
    scan.results["cross-origin-resource-sharing"] = cors_result(headers)
    scan.results["redirection"] = redirection_result(scan.http_first, scan.host)
    scan.results["referrer-policy"] = referrer_result(headers.get("Referrer-Policy"))
    scan.results["subresource-integrity"] = sri_result(scan.https_final, scan.host)
    scan.results["x-content-type-options"] = (
        "x-content-type-options-nosniff"
        if (headers.get("X-Content-Type-Options") or "").strip().lower() == "nosniff"
        else "x-content-type-options-not-implemented"
        if "X-Content-Type-Options" not in headers
        else "x-content-type-options-header-invalid"
    )
    scan.results["x-frame-options"] = xfo_result(headers.get("X-Frame-Options"), csp)
    scan.results["cross-origin-resource-policy"] = corp_result(
        headers.get("Cross-Origin-Resource-Policy")
    )
    return scan


def parse_csp(header: str | None) -> dict[str, set[str]] | None:
    """Directive → sources (the first of duplicated directives wins, as in browsers)."""
    if header is None:
        return None
    policy: dict[str, set[str]] = {}
    for part in header.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        directive = tokens[0].lower()
        if not re.fullmatch(r"[a-z-]+", directive):
            raise ValueError(f"bad directive {directive!r}")
        policy.setdefault(directive, {_keyword(t) for t in tokens[1:]})
    return policy


def _keyword(token: str) -> str:
    """CSP keywords ('self', 'none', …) are case-insensitive; nonces and hashes are not."""
    if token.startswith("'") and not token.lower().startswith(NONCE_OR_HASH):
        return token.lower()
    return token


def csp_result(csp: dict[str, set[str]] | None) -> str:
    if not csp:
        return "csp-not-implemented"
    star = {"*"}
    object_src = set(csp.get("object-src") or csp.get("default-src") or star)
    script_src = set(csp.get("script-src") or csp.get("default-src") or star)
    style_src = set(csp.get("style-src") or csp.get("default-src") or star)
    for sources in (script_src, style_src):
        if any(s.startswith(NONCE_OR_HASH) for s in sources):
            sources.discard("'unsafe-inline'")
    if "'strict-dynamic'" in script_src:
        if not any(s.startswith(NONCE_OR_HASH) for s in script_src):
            return "csp-header-invalid"
        script_src = {s for s in script_src if s not in {"'self'", "'unsafe-inline'"}
                      and not any(s.startswith(b) for b in BROAD)}  # fmt: skip
    active = [s for d, sources in csp.items() if d not in {"img-src", "media-src", "script-src"}
              for s in sources] + list(script_src)  # fmt: skip
    passive = [s for d in ("img-src", "media-src") for s in (csp.get(d) or csp.get("default-src")
               or set())]  # fmt: skip
    if script_src & (BROAD | UNSAFE_INLINE) or object_src & BROAD:
        return "csp-implemented-with-unsafe-inline"
    if any(s.startswith(("http:", "ftp:")) for s in active):
        return "csp-implemented-with-insecure-scheme"
    if "'unsafe-eval'" in script_src | style_src:
        return "csp-implemented-with-unsafe-eval"
    if any(s.startswith(("http:", "ftp:")) for s in passive):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only"
    if style_src & (BROAD | UNSAFE_INLINE):
        return "csp-implemented-with-unsafe-inline-in-style-src-only"
    if csp.get("default-src") == {"'none'"}:
        return "csp-implemented-with-no-unsafe-default-src-none"
    return "csp-implemented-with-no-unsafe"


def cookies_result(cookies: list[Morsel], *, hsts_ok: bool) -> str:
    if not cookies:
        return "cookies-not-found"
    order = [  # worst last; a cookie can only make the result worse
        "cookies-without-secure-flag-but-protected-by-hsts",
        "cookies-without-secure-flag",
        "cookies-session-without-secure-flag-but-protected-by-hsts",
        "cookies-samesite-flag-invalid",
        "cookies-anticsrf-without-samesite-flag",
        "cookies-session-without-httponly-flag",
        "cookies-session-without-secure-flag",
    ]
    found: list[str] = []
    missing_samesite = False
    for cookie in cookies:
        name = cookie.key.lower()
        session = "login" in name or "sess" in name
        samesite = (cookie["samesite"] or "").lower()
        secure, httponly = bool(cookie["secure"]), bool(cookie["httponly"])
        if samesite and samesite not in {"lax", "strict", "none"}:
            found.append("cookies-samesite-flag-invalid")
        if samesite == "none" and not secure:
            found.append("cookies-samesite-flag-invalid")
        if not secure:
            found.append("cookies-without-secure-flag-but-protected-by-hsts" if hsts_ok
                         else "cookies-without-secure-flag")  # fmt: skip
        if "csrf" in name and not samesite:
            found.append("cookies-anticsrf-without-samesite-flag")
        if session and not secure:
            found.append("cookies-session-without-secure-flag-but-protected-by-hsts" if hsts_ok
                         else "cookies-session-without-secure-flag")  # fmt: skip
        if session and not httponly:
            found.append("cookies-session-without-httponly-flag")
        missing_samesite = missing_samesite or not samesite
    if found:
        return max(found, key=order.index)
    if missing_samesite:
        return "cookies-secure-with-httponly-sessions"
    return "cookies-secure-with-httponly-sessions-and-samesite"


def cors_result(headers) -> str:
    origin = headers.get("Access-Control-Allow-Origin")
    if origin is None:
        return "cross-origin-resource-sharing-not-implemented"
    if origin.strip() == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access"
    if (headers.get("Access-Control-Allow-Credentials") or "").lower() == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access"
    return "cross-origin-resource-sharing-implemented-with-restricted-access"


def redirection_result(first, host: str) -> str:
    if first.status_code not in (301, 302, 303, 307, 308):
        return "redirection-missing"
    target = urlsplit(first["Location"])
    if target.scheme != "https":
        return "redirection-not-to-https-on-initial-redirection"
    if target.hostname != host:
        return "redirection-off-host-from-http"
    return "redirection-to-https"


def referrer_result(header: str | None) -> str:
    if header is None:
        return "referrer-policy-not-implemented"
    good = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
    bad = {"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"}
    valid = [p.strip().lower() for p in header.split(",") if p.strip().lower() in good | bad]
    if not valid:
        return "referrer-policy-header-invalid"
    return "referrer-policy-private" if valid[-1] in good else "referrer-policy-unsafe"


def hsts_result(header: str | None) -> str:
    if header is None:
        return "hsts-not-implemented"
    if "," in header:
        return "hsts-header-invalid"
    max_age = None
    for part in header.split(";"):
        part = part.strip().lower()
        if part.startswith("max-age="):
            max_age = int(part[8:].strip('"'))
    if max_age is None:
        return "hsts-header-invalid"
    if max_age < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months"
    return "hsts-implemented-max-age-at-least-six-months"


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def sri_result(response, host: str) -> str:
    if not response["Content-Type"].startswith("text/html"):
        return "sri-not-implemented-response-not-html"
    parser = _Scripts()
    parser.feed(response.content.decode())
    if not parser.scripts:
        return "sri-not-implemented-but-no-scripts-loaded"
    result = None
    foreign = False
    for script in parser.scripts:
        src = script.get("src")
        if not src:
            continue
        integrity = script.get("integrity")
        if src.startswith("//") or (
            src.startswith(("http:", "https:")) and urlsplit(src).hostname != host
        ):
            foreign = True
            secure = src.startswith("https:")
            if integrity and not secure:
                return "sri-implemented-but-external-scripts-not-loaded-securely"
            if not integrity and secure:
                return "sri-not-implemented-but-external-scripts-loaded-securely"
            if not integrity:
                return "sri-not-implemented-and-external-scripts-not-loaded-securely"
        elif integrity and result is None:
            result = "sri-implemented-and-all-scripts-loaded-securely"
    if result:
        return result
    if foreign:
        return "sri-implemented-and-external-scripts-loaded-securely"
    return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"


def xfo_result(header: str | None, csp: dict | None) -> str:
    if csp and csp.get("frame-ancestors"):
        return "x-frame-options-implemented-via-csp"
    if header is None:
        return "x-frame-options-not-implemented"
    value = header.strip().lower()
    if value in ("deny", "sameorigin"):
        return "x-frame-options-sameorigin-or-deny"
    if value.startswith("allow-from"):
        return "x-frame-options-allow-from-origin"
    return "x-frame-options-header-invalid"


def corp_result(header: str | None) -> str:
    if header is None:
        return "corp-not-implemented"
    return {
        "same-origin": "corp-implemented-with-same-origin",
        "same-site": "corp-implemented-with-same-site",
        "cross-origin": "corp-implemented-with-cross-origin",
    }.get(header.strip().lower(), "corp-header-invalid")
