"""A small crawler for the Django test client: finds the site's pages and forms from links,
then submits hostile values everywhere a visitor can put them (reliability/test_fuzz.py)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve

# What an attacker types: a NUL byte, a superscript digit (str.isdigit() says yes, int() says
# no), 2 MB of text, numbers out of any range, and `next` targets that are not local paths.
HOSTILE = ["nul\x00byte", "²", "x" * 2_000_000, "-1", "99999999999999999999", "1e309"]
HOSTILE_NEXT = ["-1", "0", "abc", "1e309", "//evil.example/", "https://evil.example/"]
# Pages not crawled: Django's own admin, the JSON API (fuzzed from its schema instead) and
# its documentation (schema generation alone costs a second a page).
SKIPPED_PREFIXES = ("/admin/", "/api/v1/", "/api/schema/", "/api/docs/", "/api/redoc/", "/static/", "/media/")
# Views whose forms are not fuzzed: logging out would end the visitor's session mid-crawl.
SKIPPED_FORMS = {"account_logout"}


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]  # name → the value the page fills in
    files: set[str] = field(default_factory=set)

    def key(self, view: str) -> tuple:
        return (view, self.method, tuple(sorted(self.fields)), tuple(sorted(self.files)))


class PageParser(HTMLParser):
    """Links and forms of one page, with each field's default value (the submitted button included)."""

    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base, self.links, self.forms = base, [], []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._button_taken = False

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.base, a["href"]))
        elif tag == "form":
            action = urljoin(self.base, a.get("action") or self.base)
            self._form, self._button_taken = Form(action, a.get("method", "get").lower(), {}), False
            self.forms.append(self._form)
        elif tag == "option" and self._form is not None and self._select:
            if not self._form.fields.get(self._select) or "selected" in a:
                self._form.fields[self._select] = a.get("value", "")
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            self._input(a)
        elif tag == "button" and a.get("type", "submit") == "submit" and not self._button_taken:
            self._form.fields[a["name"]], self._button_taken = a.get("value", ""), True
        elif tag == "select":
            self._select = a["name"]
            self._form.fields.setdefault(a["name"], "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.fields[a["name"]] = ""

    def _input(self, a: dict) -> None:
        kind, name = a.get("type", "text").lower(), a["name"]
        if kind == "file":
            self._form.files.add(name)
        elif kind in ("checkbox", "radio"):
            if "checked" in a or name not in self._form.fields:
                self._form.fields[name] = a.get("value", "on")
        elif kind == "submit":
            if not self._button_taken:
                self._form.fields[name], self._button_taken = a.get("value", ""), True
        else:
            self._form.fields[name] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data


def view_name(url: str) -> str | None:
    """The URL pattern's name for a local page worth crawling, else None."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver") or parts.path.startswith(SKIPPED_PREFIXES):
        return None
    try:
        return resolve(parts.path).view_name
    except Resolver404:
        return None


@dataclass
class Site:
    """What a crawl found: a few URLs per page kind, the query parameters seen, the forms."""

    pages: dict[str, list[str]] = field(default_factory=dict)  # view → URLs
    params: dict[str, set[str]] = field(default_factory=dict)  # view → query parameter names
    forms: dict[tuple, tuple[str, Form]] = field(default_factory=dict)  # key → (view, form)


def crawl(client, seeds: list[str], site: Site, *, per_view: int = 2, limit: int = 200) -> list:
    """Breadth-first from `seeds`, keeping `per_view` URLs per page kind; the responses >= 500 it met."""
    queue, seen, errors = list(seeds), set(), []
    while queue and len(seen) < limit:
        url = queue.pop(0).split("#")[0]
        view = view_name(url)
        if url in seen or view is None:
            continue
        found = site.pages.setdefault(view, [])
        if len(found) >= per_view and url not in found:
            continue
        seen.add(url)
        if url not in found:
            found.append(url)
        site.params.setdefault(view, set()).update(name for name, _ in parse_qsl(urlsplit(url).query))
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(("GET", url, response.status_code))
        if response.status_code in (301, 302, 303):
            queue.append(urljoin(url, response["Location"]))
        if "text/html" not in response.get("Content-Type", "") or response.status_code != 200:
            continue
        parser = PageParser(url)
        parser.feed(response.content.decode(errors="replace"))
        queue.extend(parser.links)
        for form in parser.forms:
            target = view_name(form.action)
            if target and target not in SKIPPED_FORMS:
                site.forms.setdefault(form.key(target), (target, form))
    return errors


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(params)
    return parts._replace(query=urlencode(query)).geturl()
