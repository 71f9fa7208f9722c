"""`.env.example` and every env-file block in the guides (a fenced block whose first line is
`# /etc/cupboard.env`) hold only lines that systemd's `EnvironmentFile=`, a shell's `.` and
django-environ read alike: whole-line comments, and `NAME=value` with a value that is plain or
in double quotes without anything a shell would expand — no inline comment, no `<…>`."""

import re
import subprocess
from pathlib import Path

import environ

ROOT = Path(__file__).resolve().parents[2]
SAFE = re.compile(r"""^([A-Z][A-Z0-9_]*)=([^\s"'#$`\\;<>|&()]*|"[^"$`\\]*")$""")
BLOCK = re.compile(r"```[a-z]*\n(# /etc/cupboard\.env\n.*?)```", re.S)


def env_texts() -> dict[str, str]:
    texts = {".env.example": (ROOT / ".env.example").read_text()}
    for doc in sorted((ROOT / "docs").glob("*.md")):
        for n, block in enumerate(BLOCK.findall(doc.read_text()), 1):
            texts[f"{doc.name} block {n}"] = block
    return texts


def expected(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = SAFE.match(line)
        assert match, f"not safe for both systemd and a shell: {line!r}"
        values[match.group(1)] = match.group(2).removeprefix('"').removesuffix('"')
    return values


def test_the_guides_have_an_env_file_block():
    assert any(name.startswith("deploy.md") for name in env_texts())


def test_every_line_reads_the_same_in_a_shell_and_django_environ(tmp_path):
    for name, text in env_texts().items():
        values = expected(text)
        path = tmp_path / "cupboard.env"
        path.write_text(text)
        script = 'set -a; . "$1"; for n in "${@:2}"; do printf "%s=%s\\0" "$n" "${!n}"; done'
        shell = subprocess.run(
            ["bash", "-c", script, "bash", str(path), *values],
            env={"PATH": "/usr/bin:/bin"},
            capture_output=True,
            check=True,
        ).stdout.decode()
        read = dict(item.split("=", 1) for item in shell.split("\0") if item)
        assert read == values, name

        class Reader(environ.Env):
            ENVIRON: dict[str, str] = {}  # read_env fills this, not os.environ

        Reader.read_env(path)
        assert {k: Reader.ENVIRON.get(k) for k in values} == values, name
