"""WeasyPrint never reaches the network: its URL fetcher serves Jourplan's own static files and refuses the rest."""

import urllib.request

import pytest
from weasyprint import HTML

from reports.exports import PDF_BASE_URL, RefusedAddress, static_file_for, static_only_fetcher


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/logo.png",
        "http://jourplan.invalid/static/img/favicon.svg",  # another scheme
        "https://jourplan.invalid.example.org/static/img/favicon.svg",  # another host
        "file:///etc/passwd",
        "https://jourplan.invalid/etc/passwd",  # not under the static path
        "https://jourplan.invalid/static/../../../etc/passwd",
        "https://jourplan.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://jourplan.invalid/static/img/no-such-file.png",
        "https://jourplan.invalid/static/",
        "data:text/css,body{}",
        "ftp://example.org/x.css",
    ],
)
def test_anything_but_a_static_file_is_refused(address):
    with pytest.raises(RefusedAddress):
        static_only_fetcher().fetch(address)


def test_a_static_file_is_served_from_the_checkout():
    response = static_only_fetcher().fetch(PDF_BASE_URL + "static/img/favicon.svg")
    assert response.read().lstrip().startswith(b"<")
    assert response.content_type == "image/svg+xml"
    assert static_file_for(PDF_BASE_URL + "static/img/favicon.svg").name == "favicon.svg"


@pytest.mark.allow_error_logs  # WeasyPrint logs the refused image at ERROR, as it should
def test_rendering_refuses_an_external_address_and_opens_no_connection(monkeypatch):
    opened, fetched = [], []

    def no_network(self, *args, **kwargs):
        opened.append(args)
        raise AssertionError("WeasyPrint tried the network")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    fetcher = static_only_fetcher()
    original = fetcher.fetch

    def recording(url, headers=None):
        try:
            return original(url, headers)
        except RefusedAddress:
            fetched.append(("refused", url))
            raise
        finally:
            fetched.append(("asked", url))

    fetcher.fetch = recording
    html = (
        '<img src="https://example.org/tracker.png" alt="">'
        '<img src="/static/img/favicon.svg" alt="">'
        '<link rel="stylesheet" href="https://example.org/font.css">'
    )
    pdf = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF-")
    assert ("refused", "https://example.org/tracker.png") in fetched
    assert ("refused", "https://example.org/font.css") in fetched
    assert ("asked", PDF_BASE_URL + "static/img/favicon.svg") in fetched
    assert ("refused", PDF_BASE_URL + "static/img/favicon.svg") not in fetched
    assert opened == []
