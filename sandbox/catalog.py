"""A deterministic, plausible Cup Source catalog of any size.

`generate(n)` always returns the same n products for the same n, and the first n of a longer
catalog are exactly `generate(n)`. The order is:

1. the portal's own SKUs, `CS-8OZ-ECO` (8 oz paper hot cup) and `CS-DOME-LID` (a dome lid that
   fits it), stocked deep enough for the portal's example order (5,000 of each) to work verbatim;
2. the base range (83 SKUs): paper hot cups (single-wall, double-wall, ripple; 4-20 oz), clear
   PET and compostable PLA cold cups (8-32 oz), paper soup bowls and PP / PLA deli containers
   (8-32 oz), and their lids. Cups and bowls are interleaved by material, and every lid comes
   before the first cup or bowl it fits, so any prefix is a self-consistent catalog;
3. then, as long as more are asked for, every cup and bowl again in a colour (White, Kraft,
   Black, …) and after that in numbered print designs (`…-P00001`), 50 SKUs per round.

Each cup or bowl lists 1-3 compatible lids (same rim diameter and use, a lid material that suits
the cup's); lids list none. Prices, case packs, minimums, stock and lead times are drawn from a
random generator seeded with the SKU, so they never change between runs.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import count, islice, zip_longest

PORTAL_CUP_SKU = "CS-8OZ-ECO"
PORTAL_LID_SKU = "CS-DOME-LID"

HOT_CUP_RIMS = {4: 62, 6: 73, 8: 80, 10: 90, 12: 90, 16: 90, 20: 90}
COLD_CUP_RIMS = {8: 78, 10: 78, 12: 98, 16: 98, 20: 98, 24: 98, 32: 107}
PAPER_BOWL_RIMS = {8: 90, 12: 115, 16: 115, 24: 150, 32: 150}
DELI_RIMS = {8: 115, 12: 115, 16: 115, 24: 115, 32: 115}

# Lid materials that suit a cup or bowl of a given material, most usual first.
LID_MATERIALS = {
    "paper": ["bioplastic", "plastic", "paper"],
    "plastic": ["plastic"],
    "bioplastic": ["bioplastic"],
}
MATERIAL_BLURB = {
    "paper": "Paperboard from certified forests, food-safe lining.",
    "plastic": "Food-grade, recyclable where facilities exist.",
    "bioplastic": "Plant-based and commercially compostable (EN 13432).",
}
USES = {"hot": "hot cups", "cold": "cold cups", "bowl": "bowls and deli containers"}
LID_LABELS = {
    "PS": "Polystyrene",
    "CPLA": "Compostable CPLA",
    "FBR": "Moulded Fibre",
    "PET": "PET",
    "PLA": "Compostable PLA",
    "PP": "PP",
}
COLOURS = [
    ("WHT", "White"),
    ("KFT", "Kraft"),
    ("BLK", "Black"),
    ("SGE", "Sage"),
    ("TRC", "Terracotta"),
    ("NVY", "Navy"),
    ("BLS", "Blush"),
    ("CHR", "Charcoal"),
]


@dataclass(frozen=True)
class Family:
    """A base product; `use` is hot / cold / bowl and, with `rim_mm`, decides which lids fit."""

    sku: str
    name: str
    category: str
    material: str
    capacity_oz: int | None
    use: str
    rim_mm: int
    base_price: float
    style: str = ""
    lids: tuple[str, ...] = field(default=())


def _lid_families() -> list[Family]:
    lids = []
    hot = [("plastic", "PS", 0.021), ("bioplastic", "CPLA", 0.034), ("paper", "FBR", 0.041)]
    for rim in sorted(set(HOT_CUP_RIMS.values())):
        for material, code, price in hot:
            lids.append(
                Family(
                    sku=f"CS-LID-{rim}-{code}-SIP",
                    name=f"{rim} mm Sip-Through Lid, {LID_LABELS[code]}",
                    category="lids",
                    material=material,
                    capacity_oz=None,
                    use="hot",
                    rim_mm=rim,
                    base_price=price + rim * 0.0001,
                    style="sip",
                )
            )
    cold = [("plastic", "PET", 0.024), ("bioplastic", "PLA", 0.034)]
    for rim in sorted(set(COLD_CUP_RIMS.values())):
        for material, code, price in cold:
            for style, factor in [("DOME", 1.15), ("FLAT", 1.0)]:
                lids.append(
                    Family(
                        sku=f"CS-LID-{rim}-{code}-{style}",
                        name=f"{rim} mm {style.title()} Lid, {LID_LABELS[code]}",
                        category="lids",
                        material=material,
                        capacity_oz=None,
                        use="cold",
                        rim_mm=rim,
                        base_price=price * factor + rim * 0.0001,
                        style=style.lower(),
                    )
                )
    bowl = [("paper", "FBR", 0.052), ("plastic", "PP", 0.031), ("bioplastic", "PLA", 0.046)]
    for rim in sorted(set(PAPER_BOWL_RIMS.values()) | set(DELI_RIMS.values())):
        for material, code, price in bowl:
            lids.append(
                Family(
                    sku=f"CS-LID-{rim}-{code}-VENT",
                    name=f"{rim} mm Vented Flat Lid, {LID_LABELS[code]}",
                    category="lids",
                    material=material,
                    capacity_oz=None,
                    use="bowl",
                    rim_mm=rim,
                    base_price=price + rim * 0.0002,
                    style="flat",
                )
            )
    return lids


def _container_groups() -> list[list[Family]]:
    walls = [("SW", "Single-Wall", 1.0), ("DW", "Double-Wall", 1.7), ("RP", "Ripple-Wall", 1.9)]
    hot = [
        Family(
            sku=f"CS-{oz}OZ-PAP-{code}",
            name=f"{oz} oz {label} Paper Hot Cup",
            category="cups",
            material="paper",
            capacity_oz=oz,
            use="hot",
            rim_mm=rim,
            base_price=(0.018 + 0.0035 * oz) * factor,
        )
        for oz, rim in HOT_CUP_RIMS.items()
        for code, label, factor in walls
    ]
    cold_pet, cold_pla = (
        [
            Family(
                sku=f"CS-{oz}OZ-{code}-CLR",
                name=f"{oz} oz {label} Cold Cup",
                category="cups",
                material=material,
                capacity_oz=oz,
                use="cold",
                rim_mm=rim,
                base_price=(0.022 + 0.003 * oz) * factor,
            )
            for oz, rim in COLD_CUP_RIMS.items()
        ]
        for material, code, label, factor in [
            ("plastic", "PET", "Clear PET", 1.0),
            ("bioplastic", "PLA", "Compostable PLA", 1.4),
        ]
    )
    paper_bowls = [
        Family(
            sku=f"CS-BWL-{oz}OZ-PAP",
            name=f"{oz} oz Kraft Paper Soup Bowl",
            category="bowls",
            material="paper",
            capacity_oz=oz,
            use="bowl",
            rim_mm=rim,
            base_price=0.05 + 0.006 * oz,
        )
        for oz, rim in PAPER_BOWL_RIMS.items()
    ]
    pp_bowls, pla_bowls = (
        [
            Family(
                sku=f"CS-BWL-{oz}OZ-{code}",
                name=f"{oz} oz {label} Deli Container",
                category="bowls",
                material=material,
                capacity_oz=oz,
                use="bowl",
                rim_mm=rim,
                base_price=(0.04 + 0.005 * oz) * factor,
            )
            for oz, rim in DELI_RIMS.items()
        ]
        for material, code, label, factor in [
            ("plastic", "PP", "PP", 1.0),
            ("bioplastic", "PLA", "Compostable PLA", 1.45),
        ]
    )
    return [hot, cold_pet, cold_pla, paper_bowls, pp_bowls, pla_bowls]


def _fitting_lids(family: Family, lids: list[Family]) -> tuple[str, ...]:
    preference = LID_MATERIALS[family.material]
    fitting = [
        lid
        for lid in lids
        if lid.use == family.use and lid.rim_mm == family.rim_mm and lid.material in preference
    ]
    fitting.sort(key=lambda lid: (preference.index(lid.material), lid.sku))
    return tuple(lid.sku for lid in fitting[:3])


PORTAL_LID = Family(
    sku=PORTAL_LID_SKU,
    name="Compostable Dome Lid, 80 mm (fits 8 oz hot cups)",
    category="lids",
    material="bioplastic",
    capacity_oz=None,
    use="hot",
    rim_mm=80,
    base_price=0.032,
    style="dome",
)


def _base_range() -> tuple[list[Family], list[Family]]:
    """(the base range in catalog order, its cups and bowls in variant order)."""
    lids = _lid_families()
    all_lids = [PORTAL_LID, *lids]
    containers = []
    for row in zip_longest(*_container_groups()):
        for family in row:
            if family is not None:
                containers.append(_with_lids(family, _fitting_lids(family, all_lids)))
    ordered: list[Family] = []
    emitted = {PORTAL_LID_SKU}
    lids_by_sku = {lid.sku: lid for lid in lids}
    for family in containers:
        for sku in family.lids:
            if sku not in emitted:
                ordered.append(lids_by_sku[sku])
                emitted.add(sku)
        ordered.append(family)
    ordered.extend(lid for lid in lids if lid.sku not in emitted)
    return ordered, containers


def _with_lids(family: Family, lids: tuple[str, ...]) -> Family:
    return Family(**{**family.__dict__, "lids": lids})


def _money(value: float) -> Decimal:
    return max(Decimal("0.0050"), Decimal(str(value)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _product(family: Family, *, sku: str, name: str, price_factor: float, printed: bool) -> dict:
    rng = random.Random(f"cupsource:{sku}")
    if family.category == "lids":
        case_pack = rng.choice([500, 1000, 1000])
    elif printed:
        case_pack = rng.choice([50, 100, 250])
    elif family.category == "bowls":
        case_pack = rng.choice([250, 500])
    elif family.capacity_oz <= 8:
        case_pack = rng.choice([500, 1000, 1000])
    elif family.capacity_oz <= 16:
        case_pack = rng.choice([500, 1000])
    else:
        case_pack = rng.choice([250, 500])
    min_order_qty = case_pack * rng.choice([1, 1, 1, 2, 4, 5])
    draw = rng.random()
    if draw < 0.04:
        stock = 0
    elif draw < 0.16:
        stock = case_pack * rng.randint(1, 2 * min_order_qty // case_pack + 2)
    else:
        stock = case_pack * rng.randint(40, 600)
    if stock == 0:
        lead_time_days = rng.randint(14, 28)
    elif printed:
        lead_time_days = rng.randint(7, 14)
    else:
        lead_time_days = rng.randint(1, 5)
    unit_price = _money(family.base_price * price_factor * rng.uniform(0.95, 1.05))
    return {
        "sku": sku,
        "name": name,
        "category": family.category,
        "material": family.material,
        "capacity_oz": family.capacity_oz,
        "unit_price": unit_price,
        "currency": "USD",
        "case_pack": case_pack,
        "min_order_qty": min_order_qty,
        "stock": stock,
        "lead_time_days": lead_time_days,
        "description": _description(family, name, case_pack),
        "compatible_lids": list(family.lids),
    }


def _description(family: Family, name: str, case_pack: int) -> str:
    if family.category == "lids":
        fit = f"Fits {family.rim_mm} mm rims ({USES[family.use]})."
    else:
        fit = f"{family.rim_mm} mm rim, so any {family.rim_mm} mm lid fits."
    return f"{name}. {fit} {MATERIAL_BLURB[family.material]} Sold in cases of {case_pack:,}."


def _portal_products() -> list[dict]:
    cup = Family(
        sku=PORTAL_CUP_SKU,
        name="Eco 8 oz Paper Hot Cup",
        category="cups",
        material="paper",
        capacity_oz=8,
        use="hot",
        rim_mm=80,
        base_price=0.048,
        lids=(PORTAL_LID_SKU, "CS-LID-80-CPLA-SIP", "CS-LID-80-PS-SIP"),
    )
    fixed = [
        (cup, "0.0480", 1000, 1000, 250_000, 2),
        (PORTAL_LID, "0.0320", 1000, 1000, 400_000, 2),
    ]
    products = []
    for family, price, case_pack, moq, stock, lead in fixed:
        products.append(
            {
                "sku": family.sku,
                "name": family.name,
                "category": family.category,
                "material": family.material,
                "capacity_oz": family.capacity_oz,
                "unit_price": Decimal(price),
                "currency": "USD",
                "case_pack": case_pack,
                "min_order_qty": moq,
                "stock": stock,
                "lead_time_days": lead,
                "description": _description(family, family.name, case_pack),
                "compatible_lids": list(family.lids),
            }
        )
    return products


def generate(n: int) -> list[dict]:
    """The first `n` products of the catalog (dicts of Product field values, `updated_at` aside)."""
    if n < 2:
        raise ValueError("The catalog has at least the portal's two SKUs (n >= 2).")
    products = list(islice(_all_products(), n))
    present = {product["sku"] for product in products}
    for product in products:
        product["compatible_lids"] = [sku for sku in product["compatible_lids"] if sku in present]
    return products


def _all_products() -> Iterator[dict]:
    yield from _portal_products()
    base, containers = _base_range()
    for family in base:
        yield _product(family, sku=family.sku, name=family.name, price_factor=1.0, printed=False)
    for round_number in count(1):
        if round_number <= len(COLOURS):
            code, label = COLOURS[round_number - 1]
            factor, printed = 1.08, False
        else:
            design = round_number - len(COLOURS)
            code, label = f"P{design:05d}", f"Print Design #{design}"
            factor, printed = 1.25, True
        for family in containers:
            yield _product(
                family,
                sku=f"{family.sku}-{code}",
                name=f"{family.name} — {label}",
                price_factor=factor,
                printed=printed,
            )
