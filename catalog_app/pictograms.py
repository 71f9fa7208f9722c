"""A small SVG pictogram per product, since Cup Source has no product images: its shape from the
category and capacity (a tall or short cup, a bowl, a dome or flat lid), its colour from the name
(Kraft, Black, Sage, …) or else the material. Products that look alike share one picture, named
by what it shows (`cup-m-kraft`), so a browser fetches each once and keeps it
(catalog_app/views.py serves them with a year's Cache-Control)."""

import re
from functools import lru_cache

from catalog_app.models import Category, Product

VERSION = "1"  # change when the drawings change: the names are cached for a year
COLOURS = {  # name: (fill, outline)
    "white": ("#ffffff", "#6b7570"),
    "kraft": ("#c9a27c", "#7a5a3a"),
    "black": ("#30302e", "#111111"),
    "sage": ("#a9b79a", "#56664a"),
    "terracotta": ("#c96f52", "#7d3a25"),
    "navy": ("#2f3f6b", "#18223d"),
    "blush": ("#ecc3c0", "#9a6663"),
    "charcoal": ("#4a4d50", "#232527"),
    "clear": ("#e3f1f6", "#5f8fa3"),
    "green": ("#d5ead2", "#4d7a48"),  # compostable plastics
    "print": ("#f4e4b8", "#8a6d1f"),
}
SHAPES = ("hot", "cold", "bowl", "dome", "flat")
SIZES = ("s", "m", "l")
NAME = re.compile(rf"^({'|'.join(SHAPES)})-({'|'.join(SIZES)})-({'|'.join(COLOURS)})$")


def pictogram_name(product: Product) -> str:
    name = product.name.lower()
    if product.category == Category.LIDS:
        shape = "dome" if "dome" in name else "flat"
    elif product.category == Category.BOWLS:
        shape = "bowl"
    else:
        shape = "cold" if "cold" in name or product.material != "paper" else "hot"
    capacity = product.capacity_oz or 0
    size = "s" if capacity <= 8 else "m" if capacity <= 16 else "l"
    colour = next((c for c in COLOURS if re.search(rf"\b{c}\b", name)), None)
    if colour is None:
        if "print design" in name:
            colour = "print"
        elif product.material == "paper":
            colour = "white"
        else:
            colour = "green" if product.material == "bioplastic" else "clear"
    return f"{shape}-{size}-{colour}"


@lru_cache(maxsize=256)
def pictogram_svg(name: str) -> str | None:
    """The drawing called `name` (None for a name that is not one)."""
    found = NAME.match(name)
    if not found:
        return None
    shape, size, colour = found.groups()
    fill, line = COLOURS[colour]
    height = {"s": 26, "m": 32, "l": 38}[size]
    top = 44 - height
    if shape in ("hot", "cold"):
        inset = 5 if shape == "hot" else 4
        body = f'<path d="M8 {top} L40 {top} L{40 - inset} 44 L{8 + inset} 44 Z"/>'
        if shape == "hot":
            body += f'<path d="M6 {top} h36 v-3 h-36 Z"/>'
        else:
            body += f'<path d="M9 {top} q15 -8 30 0" fill="none"/>'
            body += f'<path d="M27 {top - 4} l5 -8" fill="none"/>'
    elif shape == "bowl":
        depth = {"s": 10, "m": 13, "l": 16}[size]
        body = f'<path d="M4 {44 - depth} h40 q-3 {depth} -20 {depth} q-17 0 -20 -{depth} Z"/>'
    elif shape == "dome":
        body = '<path d="M6 34 h36 v4 h-36 Z"/><path d="M9 34 q15 -22 30 0 Z"/>'
    else:
        body = '<path d="M6 30 h36 v6 h-36 Z"/><path d="M20 30 v-3 h8 v3"/>'
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48">'
        f'<g fill="{fill}" stroke="{line}" stroke-width="2" stroke-linejoin="round">{body}</g>'
        "</svg>"
    )
