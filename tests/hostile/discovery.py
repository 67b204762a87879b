"""Find every form and every query-reading page each persona can reach.

The pages come from the URL walk (tests/test_url_walk.py): every pattern a
persona may GET, filled with the walk's real objects, a few pages again in
the state that shows more forms (a session ticked off, a plan paused), and
the admin's lists and add pages for staff. Each page is parsed as a browser
would (tests/html_forms.py). A form is known by who sees it, how it is sent
and where to; a query page by who reads it, where, and the parameters its
forms and links put in the address.
"""

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from django.contrib import admin
from django.urls import Resolver404, resolve, reverse

from accounts.models import Patient
from clinic.patients.services import request_deletion
from clinic.plans.models import Plan
from clinic.plans.services import pause_plan
from clinic.usage.services import check_off
from tests.html_forms import forms_in
from tests.test_url_walk import ACCESS, PERSONAS

CSRF = "csrfmiddlewaretoken"


@dataclass(frozen=True)
class Page:
    """Where a persona finds forms: a URL name, which of the world's objects
    fills it, a query string, and the state the world is put in first."""

    persona: str
    name: str
    kwargs: str = ""
    query: str = ""
    state: str = ""

    def url(self, world: dict) -> str:
        url = reverse(self.name, kwargs=world[self.kwargs] if self.kwargs else None)
        return f"{url}?{self.query.format(**world['slugs'])}" if self.query else url


@dataclass(frozen=True)
class FoundForm:
    page: Page
    action: str  # the address it is sent to
    method: str
    fields: tuple[tuple[str, tuple[str, ...]], ...]  # name, values as the page offers them
    kinds: tuple[tuple[str, str], ...]  # name, input type / "select" / "textarea"
    choices: tuple[tuple[str, tuple[str, ...]], ...]  # offered values of selects, radios, boxes

    @property
    def key(self) -> str:
        return f"{self.page.persona} {self.method.upper()} {url_name(self.action)}"

    def kind(self, name: str) -> str:
        return dict(self.kinds).get(name, "hidden")

    def offered(self, name: str) -> tuple[str, ...]:
        return dict(self.choices).get(name, ())


@dataclass(frozen=True)
class QueryPage:
    page: Page
    path: str
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.page.persona} {url_name(self.path)}"


def url_name(address: str) -> str:
    try:
        return resolve(urlsplit(address).path).view_name
    except Resolver404:
        return address


# --- states that show more forms ------------------------------------------


def _checked_off(world: dict) -> None:
    from clinic.plans.models import PlannedSession

    check_off(PlannedSession.objects.get(pk=world["session"]["pk"]))


def _plan_paused(world: dict) -> None:
    pause_plan(Plan.objects.get(pk=world["plan"]["plan_pk"]), reason="Away")


def _deletion_requested(world: dict) -> None:
    request_deletion(Patient.objects.get(pk=world["patient"]["pk"]), message="")


STATES: dict[str, Callable[[dict], None]] = {
    "": lambda world: None,
    "checked off": _checked_off,
    "plan paused": _plan_paused,
    "deletion requested": _deletion_requested,
}

EXTRA_PAGES = [
    Page("alice", "plan-assign", "patient", query="routine={routine}"),
    Page("alice", "patient-detail", "stranger"),
    Page("alice", "patient-detail", "patient", state="deletion requested"),
    Page("alice", "plan-detail", "plan", state="plan paused"),
    Page("pat", "session-day", "session", state="checked off"),
    Page("pat", "patient-home", state="checked off"),
    # Behind the sudo moment, which the walk's clients have not passed and these have.
    Page("pat", "email-change"),
    Page("alice", "email-change"),
]


def pages() -> list[Page]:
    found = []
    for persona in PERSONAS:
        for name, row in ACCESS.items():
            if row.get[persona] == 200:
                found.append(Page(persona, name, row.kwargs or ""))
    found += EXTRA_PAGES
    found += [Page("staff", name) for name in admin_pages()]
    # Each admin change page, for a real row of its model.
    found += [Page("staff", f"{info}_change", info) for info in admin_models()]
    return found


def admin_models() -> list[str]:
    return [
        f"admin:{model._meta.app_label}_{model._meta.model_name}" for model in admin.site._registry
    ]


def admin_rows() -> dict[str, dict]:
    """The first row of each admin model that has one, as URL kwargs."""
    rows = {}
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            rows[f"admin:{model._meta.app_label}_{model._meta.model_name}"] = {
                "object_id": str(first.pk)
            }
    return rows


def admin_pages() -> list[str]:
    names = ["admin:index"]
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        names.append(f"{info}_changelist")
        if model_admin.has_add_permission(_SUPERUSER_REQUEST):
            names.append(f"{info}_add")
    return names


class _SuperuserRequest:
    """Enough of a request for has_add_permission, which asks only the user."""

    class user:
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(perm, obj=None):
            return True


_SUPERUSER_REQUEST = _SuperuserRequest()


# Parameters a page reads that its forms and links do not always show:
# the next page of a long list, where to go after signing in, the admin's own.
EXTRA_QUERY = {"patient-list": ("page",), "login": ("next",)}
ADMIN_QUERY = ("q", "o", "p", "all", "e", "_popup", "_to_field", "_facets")


def extra_params(name: str) -> tuple[str, ...]:
    if not (name.startswith("admin:") and name.endswith("_changelist")):
        return EXTRA_QUERY.get(name, ())
    app_model = name.removeprefix("admin:").removesuffix("_changelist")
    (model_admin,) = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if f"{model._meta.app_label}_{model._meta.model_name}" == app_model
    ]
    hierarchy = model_admin.date_hierarchy
    dates = tuple(f"{hierarchy}__{part}" for part in ("year", "month", "day")) if hierarchy else ()
    return ADMIN_QUERY + dates


# --- parsing ----------------------------------------------------------------


class _KindsParser(HTMLParser):
    """Per form: each field's type and the values a select, radio or box offers.
    Also the query parameters of links that stay on the same page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict, dict]] = []
        self.link_params: set[str] = set()
        self._select = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a" and attrs.get("href", "").startswith("?"):
            self.link_params |= {key for key, _ in parse_qsl(attrs["href"][1:])}
        if tag == "form":
            self.forms.append(({}, {}))
            self._in_form = True
            return
        if not self._in_form:
            return
        kinds, choices = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "reset"):
                return
            kinds.setdefault(name, kind)
            if kind in ("checkbox", "radio"):
                choices.setdefault(name, []).append(attrs.get("value", "on"))
        elif tag == "select" and name:
            kinds.setdefault(name, "select")
            self._select = name
        elif tag == "option" and self._select:
            choices.setdefault(self._select, []).append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            kinds.setdefault(name, "textarea")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None


def parse(page: Page, url: str, html: str) -> tuple[list[FoundForm], set[str]]:
    kinds_parser = _KindsParser()
    kinds_parser.feed(html)
    kinds_parser.close()
    found = []
    for form, (kinds, choices) in zip(forms_in(html), kinds_parser.forms, strict=True):
        found.append(
            FoundForm(
                page=page,
                action=form.action or url,
                method=form.method,
                fields=tuple((n, tuple(v)) for n, v in form.fields.items()),
                kinds=tuple(sorted(kinds.items())),
                choices=tuple((n, tuple(v)) for n, v in sorted(choices.items())),
            )
        )
    return found, kinds_parser.link_params


# --- the walk ---------------------------------------------------------------


@dataclass
class Discovery:
    forms: dict[str, FoundForm]
    query_pages: dict[str, QueryPage]


def discover(clients: dict, world: dict, *, only: Callable[[Page], bool] = lambda page: True):
    """Every distinct form and query page. The world's states are applied in
    order, each page visited in the state it names."""
    forms: dict[str, FoundForm] = {}
    query_pages: dict[str, QueryPage] = {}
    wanted = [page for page in pages() if only(page) and (not page.kwargs or page.kwargs in world)]
    for state, setup in STATES.items():
        in_state = [page for page in wanted if page.state == state]
        if not in_state:
            continue
        setup(world)
        for page in in_state:
            url = page.url(world)
            response = clients[page.persona].get(url)
            assert response.status_code == 200, (page, response.status_code)
            if "html" not in response.get("Content-Type", ""):
                continue
            page_forms, link_params = parse(page, url, response.text)
            get_params = set(link_params)
            for form in page_forms:
                # The same form on two pages: keep the one with more fields
                # (the plan form shows a stage's fields once a routine is chosen).
                known = forms.get(form.key)
                if known is None or len(form.fields) > len(known.fields):
                    forms[form.key] = form
                if form.method == "get" and urlsplit(form.action).path == urlsplit(url).path:
                    get_params |= {name for name, _ in form.fields}
            if page.query:
                get_params |= {key for key, _ in parse_qsl(page.query)}
            get_params |= set(extra_params(page.name))
            if get_params:
                query_page = QueryPage(page, urlsplit(url).path, tuple(sorted(get_params)))
                known = query_pages.get(query_page.key)
                params = tuple(sorted(set(get_params) | set(known.params if known else ())))
                query_pages[query_page.key] = QueryPage(
                    known.page if known else page, query_page.path, params
                )
    return Discovery(forms, query_pages)
