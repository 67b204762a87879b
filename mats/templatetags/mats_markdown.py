from django import template
from django.utils.safestring import SafeString

from mats.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Editor-written Markdown as sanitised HTML (see mats.markdown)."""
    return render_markdown(text)
