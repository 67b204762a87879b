"""accounts.widgets: the choice widgets written in Python give exactly the HTML
Django's templates give, for every state a form can be in."""

import uuid

import pytest
from django import forms
from django.test.html import parse_html

from accounts.widgets import FastCheckboxSelectMultiple, FastSelect
from clinic.usage.forms import LogDetailsForm, SideEffectForm
from mats.snapshots import StopRuleEntry

STOCK = {FastSelect: forms.Select, FastCheckboxSelectMultiple: forms.CheckboxSelectMultiple}

RULES = [
    StopRuleEntry("bruise", "A bruise that stays", "Stop.", pauses_plan=True),
    StopRuleEntry("odd", "Tingling <b>\"&' here", "Rest.", pauses_plan=False),
]


def _with_stock_widget(field: forms.Field) -> None:
    fast = field.widget
    stock = STOCK[type(fast)](attrs=dict(fast.attrs), choices=fast.choices)
    stock.is_required = fast.is_required
    field.widget = stock


def assert_same_as_django(form: forms.Form) -> int:
    """Render every fast field, swap in Django's widget, render again, compare."""
    names = [name for name, f in form.fields.items() if type(f.widget) in STOCK]
    ours = {name: (str(form[name]), str(form[name].as_field_group())) for name in names}
    for name in names:
        _with_stock_widget(form.fields[name])
    for name in names:
        django_widget, django_group = str(form[name]), str(form[name].as_field_group())
        assert ours[name][0] == django_widget
        assert ours[name][1] == django_group
        assert parse_html(ours[name][1]) == parse_html(django_group)
    return len(names)


def test_log_details_form_uses_the_fast_widgets():
    form = LogDetailsForm(stop_rules=RULES)
    kinds = {name: type(form.fields[name].widget) for name in form.fields}
    assert kinds["pain_before"] is FastSelect
    assert kinds["relaxation"] is FastSelect
    assert kinds["sensations"] is FastCheckboxSelectMultiple
    assert kinds["side_effects"] is FastCheckboxSelectMultiple


def test_unbound_form_matches_django():
    assert assert_same_as_django(LogDetailsForm(stop_rules=RULES)) == 5
    assert assert_same_as_django(SideEffectForm(stop_rules=RULES)) == 1


def test_initial_values_match_django():
    form = LogDetailsForm(
        stop_rules=RULES,
        initial={
            "pain_before": 3,
            "pain_after": "10",
            "sensations": ["warm"],
            "side_effects": ["odd"],
        },
    )
    html = str(form["pain_before"])
    assert '<option value="3" selected>3</option>' in html
    assert 'value="odd" id="id_side_effects_1" checked>' in str(form["side_effects"])
    assert_same_as_django(form)


@pytest.mark.parametrize(
    "data",
    [
        {"pain_before": "11", "sensations": ["nonsense"], "side_effects": ["bruise", "<x>"]},
        {"pain_before": '"><script>', "relaxation": "4", "side_effects": ["odd"]},
        {"minutes_done": "0", "pain_after": "0", "sensations": ["warm", "tingling"]},
    ],
)
def test_bound_forms_with_errors_match_django(data):
    data = {**data, "submission_key": str(uuid.uuid4())}
    form = LogDetailsForm(data, stop_rules=RULES)
    assert not form.is_valid()
    assert 'aria-invalid="true"' in str(form.errors and form[next(iter(form.errors))])
    assert_same_as_django(form)


def test_side_effect_form_with_errors_matches_django():
    form = SideEffectForm({"submission_key": str(uuid.uuid4())}, stop_rules=RULES)
    assert not form.is_valid()
    assert_same_as_django(form)


def test_groups_classes_and_odd_attributes_match_django():
    choices = [
        ("", "None"),
        ("Warm <things>", [("a", "A & a"), ("b", 'B "quoted"')]),
        ("c", "C"),
    ]
    attrs = {"class": "x y", "data-x": '"&', "disabled": False, "autofocus": True, "n": None}
    for fast, stock in [
        (FastSelect, forms.Select),
        (FastCheckboxSelectMultiple, forms.CheckboxSelectMultiple),
    ]:
        for value in (None, "a", ["a", "c"], ["<b>"]):
            ours = fast(attrs=attrs, choices=choices).render("f", value, {"id": "id_f"})
            django = stock(attrs=attrs, choices=choices).render("f", value, {"id": "id_f"})
            assert ours == django
            ours = fast(choices=choices).render("f", value)
            assert ours == stock(choices=choices).render("f", value)
    assert "&lt;things&gt;" in ours
