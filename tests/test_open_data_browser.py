"""Open data in Chromium: a page on another site reads the API with fetch(), and the API's
documentation page works under the Content-Security-Policy."""

import functools
import http.server
import threading

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHER_SITE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Another government site</title>
<script src="/reader.js" defer></script></head>
<body data-api="{api}">
<h1>Commitments of our district</h1>
<ul id="commitments"></ul>
<p>Asked again with the ETag: <output id="revalidated"></output></p>
<p>Error: <output id="error"></output></p>
</body></html>
"""
# What a webmaster elsewhere would write: list the commitments, then ask again with the ETag.
OTHER_SITE_SCRIPT = """
const api = document.body.dataset.api;
async function show() {
  const answer = await fetch(api + "commitments/");
  const data = await answer.json();
  for (const commitment of data.results) {
    const item = document.createElement("li");
    item.textContent = commitment.title + " · " + commitment.status_label;
    document.getElementById("commitments").append(item);
  }
  const again = await fetch(api + "commitments/", {
    headers: {"If-None-Match": answer.headers.get("ETag")},
  });
  document.getElementById("revalidated").textContent = String(again.status);
}
show().catch((error) => { document.getElementById("error").textContent = String(error); });
"""


@pytest.fixture
def other_site(tmp_path, live_server):
    """Another origin: a plain web server on another port, serving a page that uses the API."""
    (tmp_path / "index.html").write_text(OTHER_SITE_PAGE.format(api=f"{live_server.url}/api/v1/"))
    (tmp_path / "reader.js").write_text(OTHER_SITE_SCRIPT)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_page_on_another_site_reads_the_api(page, other_site, live_server, seed_reply):
    assert other_site.split(":")[-1] != live_server.url.split(":")[-1]
    titles = list(seed_reply.commitments.order_by("pk").values_list("title", flat=True))

    page.goto(f"{other_site}/")

    items = page.locator("#commitments li")
    expect(items).to_have_count(len(titles))
    shown = items.all_inner_texts()
    assert sorted(text.split(" · ")[0] for text in shown) == sorted(titles)
    expect(page.locator("#revalidated")).to_have_text("304")
    expect(page.locator("#error")).to_have_text("")


def test_api_documentation_page_works_under_the_content_security_policy(
    page, live_server, seed_reply
):
    page.goto(f"{live_server.url}/en/methodology/")
    page.locator("main a[href='/en/api/']").click()

    expect(page.locator("h1")).to_have_text("API documentation")
    expect(page.locator("#commitments_list h3")).to_contain_text("GET /api/v1/commitments/")
    page.locator("#commitments_list a[href='#object-Commitment']").click()
    expect(page.locator("#object-Commitment")).to_be_in_viewport()

    schema = page.request.get(f"{live_server.url}/api/v1/schema/?format=json")
    assert schema.ok
    assert "/api/v1/commitments/" in schema.json()["paths"]
