from django import template

from mats.pictures import picture_for

register = template.Library()


@register.simple_tag
def position_picture_for(position, size: str) -> dict | None:
    """What ``mats/includes/position_picture.html`` shows for ``position`` at
    ``size``: ``mats.pictures.picture_for``."""
    return picture_for(position, size)
