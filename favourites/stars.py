"""The star button's two states, and placeholders for a listing shared by every buyer."""

import re

STAR_PARTS = ("value", "pressed", "title")
STAR_PLACEHOLDER = re.compile(r"@@star:(\d+):(value|pressed|title)@@")


def star_placeholders(product_pk: int) -> dict[str, str]:
    return {part: f"@@star:{product_pk}:{part}@@" for part in STAR_PARTS}


def star_state(starred: bool) -> dict[str, str]:
    """What differs between a starred and an unstarred button."""
    if starred:
        return {"value": "", "pressed": "true", "title": "In your favourites: press to remove"}
    return {"value": "on", "pressed": "false", "title": "Add to your favourites"}


def star_states(html: str, starred: set[int]) -> str:
    """Fill in the placeholders star_button() left, for a buyer with these starred products."""
    states = {True: star_state(True), False: star_state(False)}
    return STAR_PLACEHOLDER.sub(lambda m: states[int(m[1]) in starred][m[2]], html)
