"""Reading settings from the environment, strictly.

`Env` is django-environ's, except that a boolean or a number that does not parse stops startup
with the variable's name instead of being read as false (django-environ's `bool` takes anything
it does not know — `true # behind nginx`, `ture`, `yes please` — for false) or failing with a
bare `ValueError`. An empty value counts as unset (its default applies), so `.env.example` can
list a variable without a value.

systemd's `EnvironmentFile=` keeps everything after `=` — a trailing `# comment` included — so
an inline comment is exactly the kind of value this refuses.
"""

import math
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"true", "yes", "on", "1"})
FALSE = frozenset({"false", "no", "off", "0"})


class Env(environ.Env):
    def is_set(self, var: str) -> bool:
        """Whether the variable has a value (an empty one counts as unset)."""
        return self._raw(var) is not None

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        # Every other reader (str, list, db, cache, email URLs) also takes an empty value for
        # unset, so a copied .env.example line such as `CACHE_URL=` means "the default".
        if default is not self.NOTSET and not self.is_set(var):
            if parse_default and default is not None:
                return self.parse_value(default, cast)
            return default
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)

    def _raw(self, var: str) -> str | None:
        value = self.ENVIRON.get(var)
        return None if value is None or value.strip() == "" else value.strip()

    def _default(self, var: str, default: Any) -> Any:
        if default is self.NOTSET:
            raise ImproperlyConfigured(f"Set the {var} environment variable.")
        return default

    def bool(self, var: str, default: Any = environ.Env.NOTSET) -> bool:
        raw = self._raw(var)
        if raw is None:
            return self._default(var, default)
        if raw.lower() in TRUE:
            return True
        if raw.lower() in FALSE:
            return False
        raise ImproperlyConfigured(
            f"{var} must be true or false (or yes/no, on/off, 1/0), not {raw!r}. "
            "Nothing may follow the value on its line: systemd keeps a trailing # comment."
        )

    def int(self, var: str, default: Any = environ.Env.NOTSET) -> int:
        raw = self._raw(var)
        if raw is None:
            return self._default(var, default)
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfigured(
                f"{var} must be a whole number, not {raw!r}. "
                "Nothing may follow the value on its line: systemd keeps a trailing # comment."
            ) from None

    def float(self, var: str, default: Any = environ.Env.NOTSET) -> float:
        raw = self._raw(var)
        if raw is None:
            return self._default(var, default)
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ImproperlyConfigured(
                f"{var} must be a number, not {raw!r}. "
                "Nothing may follow the value on its line: systemd keeps a trailing # comment."
            )
        return value
