"""The README and .env.example document every environment variable the settings read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r'env(?:\.[a-z_]+)?\(\s*"([A-Z][A-Z0-9_]+)"')


def settings_variables() -> set[str]:
    return set(READ.findall((ROOT / "dashboard" / "settings.py").read_text()))


def test_the_settings_read_the_variables_this_test_looks_for():
    assert {"CUPSOURCE_API_KEY", "SESSION_ABSOLUTE_TIMEOUT", "AUDIT_RETENTION_DAYS"} <= (
        settings_variables()
    )


def test_every_variable_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert sorted(name for name in settings_variables() if f"`{name}`" not in readme) == []


def test_every_variable_is_in_the_env_example():
    example = (ROOT / ".env.example").read_text()
    assert sorted(name for name in settings_variables() if name not in example) == []
