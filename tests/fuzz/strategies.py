"""Hostile input for the fuzz suite, and its settings.

Every field a test names gets, at random: a plausible value, or a hostile one (an empty
string, white space, huge, negative and 4,300- to 6,000-digit numbers, floats, NaN, NUL, other
control characters, unicode, very long text) — sent once, several times (a repeated
parameter), or not at all.
"""

import operator
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from orders_app.quantities import MAX_UNITS

# The shop's products (tests/fuzz/conftest.py): a cup, its lid, a discontinued cup, a dear cup.
SKUS = ["CS-8OZ-ECO", "CS-DOME-LID", "CS-OLD-CUP", "CS-GOLD-CUP"]


# FUZZ_SCALE=10 runs ten times as many cases (a deeper run by hand); 0.1 a quick look.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def fuzz(max_examples: int):
    """The suite's settings: reproducible (derandomized, no example database) and without a
    per-example deadline (a page takes what it takes on a busy machine)."""
    return settings(
        max_examples=max(1, round(max_examples * SCALE)),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


EDGE_NUMBERS = [
    0, -1, 1, 999, 1000, 1001, MAX_UNITS, MAX_UNITS + 1, 2**31 - 1, 2**31, 2**53 + 1,
    2**63 - 1, 2**63, 2**64, 10**30, -(10**30),
]  # fmt: skip
ODD_NUMBERS = [
    "1e3", "1e400", "-0", "+5", "0x10", "1_000", "5,000", "5.000", "5.5", "NaN", "nan", "inf",
    "-inf", "Infinity", "٥٠٠٠", "５０００", "²", "5 cases", "5cs", " 5 ", "5\x00", "\x005",
]  # fmt: skip
FILLERS = ["x", "9", "é", "😀", "\x00", "\r\n", " ", "<", "%", "/"]
LONG_SIZES = [64, 65, 81, 101, 201, 2_001, 4_301, 20_001, 100_000]

numbers = st.one_of(
    st.sampled_from(EDGE_NUMBERS).map(str),
    st.integers().map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.integers(min_value=4_300, max_value=6_000).map(lambda n: "9" * n),
    st.floats().map(str),
    st.sampled_from(ODD_NUMBERS),
)
control = st.text(
    alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=8
)
long_text = st.builds(operator.mul, st.sampled_from(FILLERS), st.sampled_from(LONG_SIZES))
hostile = st.one_of(
    st.sampled_from(["", " ", "\t\n", "\x00", "null", "None", "undefined", "[]", "{}"]),
    numbers,
    control,
    st.text(max_size=40),
    long_text,
)


def plausible(*values) -> st.SearchStrategy[str]:
    """One of `values` (each given, or drawn from a given strategy)."""
    return st.one_of(*[v if isinstance(v, st.SearchStrategy) else st.just(str(v)) for v in values])


def value(*values) -> st.SearchStrategy[str]:
    """A plausible value (two times in three) or a hostile one: bad values alone, and bad
    values next to good ones, so that the checks after the form's are reached too."""
    if not values:
        return hostile
    good = plausible(*values)
    return st.one_of(good, good, hostile)


ABSENT = object()


def over(valid: dict, fuzzed: st.SearchStrategy[dict]) -> st.SearchStrategy[dict]:
    """`fuzzed` on its own, or laid over a complete valid form (`valid`): a form with many
    required fields otherwise rarely gets past its first error."""
    return st.one_of(fuzzed, fuzzed.map(lambda data: {**valid, **data}))


@st.composite
def form(draw, **fields: st.SearchStrategy) -> dict[str, str | list[str]]:
    """POST or query data: each field sent once (most often), repeated, or left out; now and
    then with a field nobody asked for."""
    data = {}
    for name, strategy in fields.items():
        repeated = st.lists(strategy, min_size=2, max_size=3)
        sent = draw(st.one_of(st.just(ABSENT), strategy, strategy, strategy, strategy, repeated))
        if sent is not ABSENT:
            data[name] = sent
    if draw(st.integers(0, 9)) == 0:
        data[draw(st.text(min_size=1, max_size=10))] = draw(hostile)
    return data


def ids(*refs: str) -> st.SearchStrategy[str]:
    """An id for a URL or a form: one of the shop's (a reference like "@order:sent", the
    visitor's own or someone else's; `Shop.resolve` turns it into the id), or one that names
    nothing (0, enormous, too many digits for Python to read at all)."""
    return st.one_of(
        st.sampled_from(refs),
        st.sampled_from(refs),
        st.integers(min_value=0, max_value=10**6).map(str),
        st.sampled_from([2**31, 2**63 - 1, 2**63, 10**30]).map(str),
        st.integers(min_value=4_300, max_value=5_000).map(lambda n: "9" * n),
    )


# References to the shop's rows (tests/fuzz/conftest.py, `Shop.resolve`).
OWN_ORDERS = ["@order:sent", "@order:needs_changes", "@order:pending", "@order:rejected"]
FOREIGN_ORDERS = ["@other_order:sent", "@other_order:pending"]
ORDERS = ids(*OWN_ORDERS, *FOREIGN_ORDERS)
CART_LINES = ids("@line:cup", "@line:lid", "@other_line")
LISTS = ids("@list", "@other_list")
LIST_ITEMS = ids("@item:cup", "@item:lid", "@other_item")


def path_text(*real: str) -> st.SearchStrategy[str]:
    """A URL path segment (`Shop.segment` quotes it): a real value, or any text, control
    characters included."""
    return st.one_of(st.sampled_from(real), st.sampled_from(real), hostile).filter(bool)


LIMITS = [MAX_UNITS - 1, MAX_UNITS, MAX_UNITS + 1, 3_999_999, 4_000_000, 4_000_001]


def quantity(*values) -> st.SearchStrategy[str]:
    """A quantity: the given ones, any from -5 to past the limit, the limits' edges (the dear
    cup reaches the order limit at 4,000,001 units), or a hostile value."""
    near = st.sampled_from(LIMITS).map(str)
    return value(*values, near, st.integers(min_value=-5, max_value=MAX_UNITS + 5).map(str))


units = value("cases", "units", "CASES", "case")
htmx = st.booleans()
once = value("0" * 32, "f" * 64, st.text("0123456789abcdef", min_size=32, max_size=64))
dates = value("2026-11-27", "2026-02-30", "27/11/2026", "0001-01-01", "9999-12-31", "10000-01-01")
