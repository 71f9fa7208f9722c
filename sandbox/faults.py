"""Faults on demand: `SANDBOX_FAULTS` turns the sandbox into an unreliable network peer.

Spec: comma-separated `name=value` pairs, e.g.
`500=0.1,429=0.05,timeout=0.02,reset=0.02,bad_json=0.01,latency_ms=200,timeout_s=15,seed=7`.

- `500`, `429`, `timeout`, `reset`, `bad_json`: probabilities in [0, 1] (their sum at most 1);
  one draw per request picks at most one of them.
- `latency_ms`: extra delay before every request (integer >= 0).
- `timeout_s`: how long a `timeout` fault holds the response (default 15, > 0).
- `seed`: seeds the random generator, so a run's sequence of faults is reproducible.

Parsing is strict: anything else is a `FaultSpecError` (a system check error at startup).
"""

import math
import random
import threading
from dataclasses import dataclass, field

FAULT_KINDS = ("500", "429", "timeout", "reset", "bad_json")
DEFAULT_TIMEOUT_S = 15.0


class FaultSpecError(ValueError):
    pass


@dataclass(frozen=True)
class FaultSpec:
    probabilities: dict[str, float] = field(default_factory=dict)
    latency_ms: int = 0
    timeout_s: float = DEFAULT_TIMEOUT_S
    seed: int | None = None

    @property
    def active(self) -> bool:
        return self.latency_ms > 0 or any(p > 0 for p in self.probabilities.values())


def parse(spec: str) -> FaultSpec:
    """Parse a `SANDBOX_FAULTS` value; raise `FaultSpecError` saying exactly what is wrong."""
    if not spec.strip():
        return FaultSpec()
    values: dict[str, str] = {}
    for entry in spec.split(","):
        name, sep, value = (part.strip() for part in entry.partition("="))
        if not sep or not name or not value:
            raise FaultSpecError(f"SANDBOX_FAULTS entry {entry.strip()!r} is not name=value.")
        if name in values:
            raise FaultSpecError(f"SANDBOX_FAULTS names {name!r} twice.")
        values[name] = value
    unknown = set(values) - {*FAULT_KINDS, "latency_ms", "timeout_s", "seed"}
    if unknown:
        raise FaultSpecError(
            f"SANDBOX_FAULTS has unknown name(s) {', '.join(sorted(unknown))}; known: "
            f"{', '.join(FAULT_KINDS)}, latency_ms, timeout_s, seed."
        )
    probabilities = {
        kind: _number(kind, values[kind], low=0.0, high=1.0)
        for kind in FAULT_KINDS
        if kind in values
    }
    if sum(probabilities.values()) > 1.0 + 1e-9:
        raise FaultSpecError("SANDBOX_FAULTS probabilities add up to more than 1.")
    timeout_s = DEFAULT_TIMEOUT_S
    if "timeout_s" in values:
        timeout_s = _number("timeout_s", values["timeout_s"], low=0.0, high=3600.0)
        if timeout_s == 0:
            raise FaultSpecError("SANDBOX_FAULTS timeout_s must be more than 0.")
    return FaultSpec(
        probabilities=probabilities,
        latency_ms=_integer("latency_ms", values.get("latency_ms", "0"), low=0, high=600_000),
        timeout_s=timeout_s,
        seed=_integer("seed", values["seed"], low=0, high=2**63) if "seed" in values else None,
    )


def _number(name: str, value: str, *, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise FaultSpecError(f"SANDBOX_FAULTS {name}={value!r} is not a number.") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise FaultSpecError(f"SANDBOX_FAULTS {name}={value} is outside {low:g}..{high:g}.")
    return number


def _integer(name: str, value: str, *, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise FaultSpecError(f"SANDBOX_FAULTS {name}={value!r} is not an integer.") from None
    if not low <= number <= high:
        raise FaultSpecError(f"SANDBOX_FAULTS {name}={value} is outside {low}..{high}.")
    return number


class FaultInjector:
    """Draws faults for one spec from one seeded generator, shared by the server's threads."""

    def __init__(self, spec: FaultSpec):
        self.spec = spec
        self._rng = random.Random(spec.seed)
        self._lock = threading.Lock()

    def draw(self, *, method: str) -> tuple[str | None, bool]:
        """(the fault for this request or None, whether a reset POST is processed first)."""
        with self._lock:
            roll = self._rng.random()
            cumulative = 0.0
            for kind in FAULT_KINDS:
                cumulative += self.spec.probabilities.get(kind, 0.0)
                if roll < cumulative:
                    process_first = kind == "reset" and method == "POST" and self._coin()
                    return kind, process_first
            return None, False

    def _coin(self) -> bool:
        return self._rng.random() < 0.5


_injectors: dict[str, FaultInjector] = {}
_injectors_lock = threading.Lock()


def injector_for(spec: str) -> FaultInjector:
    """The injector for this spec string (parsed once; a new spec starts a fresh generator)."""
    with _injectors_lock:
        injector = _injectors.get(spec)
        if injector is None:
            injector = FaultInjector(parse(spec))
            _injectors.clear()
            _injectors[spec] = injector
        return injector


def forget() -> None:
    """Drop the cached injectors, so the next request restarts the seeded sequence."""
    with _injectors_lock:
        _injectors.clear()
