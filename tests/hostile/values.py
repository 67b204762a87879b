"""Hypothesis strategies for hostile form and query values, and for
submissions that change one field, several at once, or all the dates of a
form together, repeat fields and drop them."""

from datetime import date, timedelta

from hypothesis import strategies as st

LONG = "x" * 10_000
DIGITS_FULL_WIDTH = "\uff11\uff12"
DIGITS_ARABIC_INDIC = "\u0661\u0662"

TEXT = [
    "",
    " ",
    " \t\n ",
    "\x00",
    "a\x00b",
    "\ud800",
    "bad\udfffx",
    DIGITS_FULL_WIDTH,
    DIGITS_ARABIC_INDIC,
    "\u06f1\u06f2",  # Extended Arabic-Indic (Persian) digits
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e309",
    "-1e309",
    "-1",
    "0",
    "-0",
    "1.5",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 400,
    LONG,
    "y" * 255,
    "é" * 256,
    "<script>alert(1)</script>",
    'hx-get="/x"',
    '"><button hx-post="/admin/" hx-trigger="load">x</button>',
    "{{ request }}{% debug %}",
    "' OR 1=1 --",
    "../../../etc/passwd",
    "%00",
    "\u202egnp.exe",
    "🧘" * 3,
    "true",
    "on",
    "None",
    "[]",
]

DATES = [
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "1899-12-31",
    "1900-01-01",
    "2100-12-31",
    "2101-01-01",
    "10000-01-01",
    "-2026-01-01",
    "\uff12\uff10\uff12\uff16-\uff10\uff13-\uff10\uff11",
    "\u0662\u0660\u0662\u0666-\u0660\u0663-\u0660\u0661",
    "2026-3-1",
    "01/03/2026",
    "2026-03-01T10:00",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "9999-12-31 23:59:59",
    "2026-02-30T10:00",
    "24:00",
    "23:59:60",
    "99:99",
    "\u0660\u0669:\u0660\u0660",
    "\uff10\uff19:\uff10\uff10",
    "-01:00",
]


def dates_near(today: date) -> st.SearchStrategy[str]:
    """Dates a plan or a visit could really hold, around today, to mix with hostile ones."""
    return st.integers(-400, 400).map(lambda days: (today + timedelta(days=days)).isoformat())


def scalar(foreign_ids: list[str], offered: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """One hostile value; now and then a value the page itself offers, so a
    hostile field is met with valid ones beside it."""
    choices = [st.sampled_from(TEXT), st.sampled_from(DATES), st.sampled_from(foreign_ids)]
    choices += [
        st.integers(-(2**70), 2**70).map(str),
        st.floats().map(str),
        st.dates().map(date.isoformat),
        st.text(max_size=30),
    ]
    if offered:
        choices.append(st.sampled_from(offered))
    return st.one_of(choices)


def date_value(today: date) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(DATES), dates_near(today), st.dates().map(date.isoformat))


DATE_KINDS = ("date", "datetime-local", "time")
EXTRA_NAMES = ["id", "pk", "clinic", "patient", "user", "is_staff"]


def submission(fields, kinds, offered, foreign_ids, today) -> st.SearchStrategy[dict]:
    """The fields as the page offers them, with 1..N of them replaced by
    hostile values, repeated or dropped; when the form has two or more date
    or time fields, sometimes all of them are replaced together. Now and then
    a field the form does not have, holding another clinic's id."""
    names = [name for name, _ in fields]
    value_of = {
        name: date_value(today)
        if kinds.get(name) in DATE_KINDS
        else scalar(foreign_ids, offered.get(name, ()))
        for name in names
    }
    dated = [name for name in names if kinds.get(name) in DATE_KINDS]
    extra = st.tuples(st.sampled_from(EXTRA_NAMES), st.sampled_from(foreign_ids))

    @st.composite
    def build(draw):
        data = {name: list(values) for name, values in fields}
        if len(dated) >= 2 and draw(st.booleans()):
            chosen = dated + draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
        elif names:
            chosen = draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
        else:
            chosen = []
        for name in dict.fromkeys(chosen):
            how = draw(st.sampled_from(["replace", "replace", "replace", "repeat", "drop"]))
            if how == "drop":
                data.pop(name, None)
                continue
            count = draw(st.integers(2, 3)) if how == "repeat" else 1
            data[name] = [draw(value_of[name]) for _ in range(count)]
        if not names or draw(st.integers(0, 9)) == 0:
            name, value = draw(extra)
            data.setdefault(name, []).append(value)
        return data

    return build()
