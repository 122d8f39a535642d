"""Every page carries one fixed Content-Security-Policy that allows no inline script or style.

Browser tests fail on any violation (tests/conftest.py); these check the header itself, and
that no template brings back what the policy refuses."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: address"),
]


def policy(response) -> dict:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def assert_strict(response):
    rules = policy(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert rules["default-src"] == ["'self'"]
    assert rules["script-src"] == ["'self'"]
    assert rules["style-src"] == ["'self'"]
    assert rules["object-src"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'none'"]
    assert rules["form-action"] == ["'self'"]
    assert rules["base-uri"] == ["'self'"]


def test_public_pages_carry_the_policy(client, commitment):
    for address in ("/en/", f"/en/commitments/{commitment.pk}/", "/accounts/login/"):
        response = client.get(address)
        assert response.status_code == 200
        assert_strict(response)


def test_workspace_pages_carry_the_policy(client, staff_user, commitment):
    client.force_login(staff_user)

    response = client.get(f"/en/workspace/commitments/{commitment.pk}/")

    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.parametrize("address", ["/admin/", "/admin/commitments/organisation/add/"])
def test_admin_pages_carry_the_policy(client, office_user, address):
    client.force_login(office_user)

    response = client.get(address)

    assert response.status_code == 200
    assert_strict(response)


def test_no_template_has_inline_script_or_style():
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(TEMPLATES)}:{line}: {what}")
    assert not found, "The Content-Security-Policy refuses these:\n" + "\n".join(found)
