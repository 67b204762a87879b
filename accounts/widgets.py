"""Choice widgets that write their markup in Python.

Django renders a select or a list of checkboxes through one template per
option; on the patient's Today page that was most of the page's rendering
time. These widgets take the same context Django builds (ids, names,
checked and selected state, required, aria-* attributes) and write the same
HTML, character for character, so stylesheets and tests see no difference.
Everything passes through format_html, which escapes it.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def _attrs(attrs: Mapping[str, Any]) -> SafeString:
    """Attributes as Django's attrs.html writes them: in order, True bare, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _option_input(option: Mapping[str, Any]) -> SafeString:
    """One checkbox or radio, as input_option.html and input.html write it."""
    value = option["value"]
    tag = format_html(
        '<input type="{}" name="{}"{}{}>\n',
        option["type"],
        option["name"],
        format_html(' value="{}"', value) if value is not None else "",
        _attrs(option["attrs"]),
    )
    if not option["wrap_label"]:
        return tag
    option_id = option["attrs"].get("id")
    return format_html(
        "<label{}>{} {}</label>",
        format_html(' for="{}"', option_id) if option_id else "",
        tag,
        option["label"],
    )


def _select_group(group_name: str | None, options: list[dict[str, Any]]) -> SafeString:
    """One optgroup, or the options outside any group, as select.html writes them."""
    rendered = format_html_join(
        "",
        '\n  <option value="{}"{}>{}</option>\n',
        ((option["value"], _attrs(option["attrs"]), option["label"]) for option in options),
    )
    if group_name:
        return format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rendered)
    return rendered


def _checkbox_group(group_name: str | None, options: list[dict[str, Any]]) -> SafeString:
    """One group of boxes, or the boxes outside any group, as multiple_input.html writes them."""
    rendered = format_html_join(
        "", "<div>\n    {}\n\n</div>", ((_option_input(option),) for option in options)
    )
    if group_name:
        return format_html("\n  <div><label>{}</label>{}\n  </div>", group_name, rendered)
    return rendered


class FastSelect(forms.Select):
    """A ``Select`` that writes its options without a template each."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attrs(widget["attrs"]),
            format_html_join(
                "",
                "{}",
                ((_select_group(group, options),) for group, options, _ in widget["optgroups"]),
            ),
        )


class FastCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """A ``CheckboxSelectMultiple`` that writes its boxes without a template each."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        widget_id = widget["attrs"].get("id")
        widget_class = widget["attrs"].get("class")
        return format_html(
            "<div{}{}>{}\n</div>",
            format_html(' id="{}"', widget_id) if widget_id else "",
            format_html(' class="{}"', widget_class) if widget_class else "",
            format_html_join(
                "",
                "{}",
                ((_checkbox_group(group, options),) for group, options, _ in widget["optgroups"]),
            ),
        )
