"""The star button's two states."""


def star_state(starred: bool) -> dict[str, str]:
    """What differs between a starred and an unstarred button."""
    if starred:
        return {"value": "", "pressed": "true", "title": "In your favourites: press to remove"}
    return {"value": "on", "pressed": "false", "title": "Add to your favourites"}
