"""A visitor of the site over HTTP, for the two-server proof and the soak: it keeps its cookies,
signs in through the login form, fills in forms with their CSRF token and uploads files.

Plain http.client, one connection per request, redirects not followed (the caller reads where a
form sent it). It only ever talks to this machine.
"""

import http.client
import secrets
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
TIMEOUT_SECONDS = 120


@dataclass
class Page:
    status: int
    location: str  # where a redirect points; "" otherwise
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class SignInFailed(Exception):
    pass


class _FormInputs(HTMLParser):
    """The named <input> values of each form on a page, by the form's action."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = self.forms.setdefault(attrs.get("action") or "", {})
        elif tag == "input" and self._form is not None and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "file" or (kind in ("checkbox", "radio") and "checked" not in attrs):
                return
            self._form[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def form_inputs(html: str, action: str = "") -> dict[str, str]:
    """The inputs of the form that posts to `action` ("" for a form that posts to its page)."""
    parser = _FormInputs()
    parser.feed(html)
    if action not in parser.forms:
        raise LookupError(f"no form posting to {action!r} on the page")
    return dict(parser.forms[action])


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body; `files` maps a field to (file name, content, content type)."""
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(head.encode() + str(value).encode() + b"\r\n")
    for name, (filename, content, content_type) in files.items():
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One visitor's cookies, sent to every server: a session made on one server is read on
    another, as behind a load balancer."""

    def __init__(self, observer=None):
        self.cookies: dict[str, str] = {}
        # Told of every request: observer(method, path, status or None when it failed, seconds).
        self.observer = observer
        self.headers: dict[str, str] = {}  # sent with every request

    def request(self, method: str, url: str, body: bytes | None = None, headers=None) -> Page:
        parts = urlsplit(url)
        if parts.hostname not in LOCAL_HOSTS:
            raise ValueError(f"only this machine is visited, not {parts.hostname}")
        headers = {**self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except OSError:
            if self.observer:
                self.observer(method, path, None, time.perf_counter() - started)
            raise
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        if self.observer:
            self.observer(method, path, response.status, seconds)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Page(response.status, response.getheader("Location") or "", content, seconds)

    def get(self, url: str) -> Page:
        return self.request("GET", url)

    def post(self, url: str, fields: dict, files: dict | None = None) -> Page:
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", url, body, {"Content-Type": content_type})

    def fill_in(self, url: str, action: str = "", changes=None, files=None) -> Page:
        """Open the page at `url`, fill in its form that posts to `action` and send it."""
        page = self.get(url)
        if page.status != 200:
            return page
        fields = {**form_inputs(page.text, action), **(changes or {})}
        return self.post(urljoin(url, action), fields, files)

    def sign_in(self, base_url: str, username: str, password: str):
        """Sign in through the login form, CSRF token and all."""
        answer = self.fill_in(
            f"{base_url}/accounts/login/",
            "/accounts/login/",
            {"username": username, "password": password},
        )
        if answer.status != 302:
            raise SignInFailed(f"{username} could not sign in on {base_url}: HTTP {answer.status}")
