from django import template

register = template.Library()

# The square box each size fits in, in CSS pixels.
BOXES = {"small": 72, "large": 240}


@register.simple_tag
def position_picture_for(position, size: str) -> dict | None:
    """What ``mats/includes/position_picture.html`` shows for ``position`` at
    ``size`` ("small" or "large"): the picture's address, text alternative,
    and width and height fitted to the size's box; ``None`` with no picture."""
    picture = position.shown_picture if position else None
    if picture is None:
        return None
    width, height = picture.fitted(BOXES[size])
    return {"url": picture.url, "alt": picture.alt, "width": width, "height": height}
