"""The cover fetcher against a local HTTP server: every way a source can fail."""

import re

import pytest

from catalog import covers
from catalog.tests.cover_server import JPEG


def fetch(server, path, *, timeout=1.0, max_bytes=1_000_000):
    return covers.download(server.url(path), timeout=timeout, max_bytes=max_bytes)


def test_an_image_is_downloaded_whole(cover_server):
    assert fetch(cover_server, "/cover.jpg") == JPEG


def test_redirects_are_followed(cover_server):
    assert fetch(cover_server, "/redirect") == JPEG


@pytest.mark.parametrize(
    ("path", "kwargs", "reason"),
    [
        ("/missing.jpg", {}, "HTTP 404"),
        ("/loop", {}, "HTTP 302"),
        ("/to-file", {}, "HTTP 302"),  # urllib refuses file: redirects itself
        ("/to-ftp", {}, "redirecionamento para um endereço não HTTP"),
        ("/slow.jpg", {"timeout": 0.3}, "tempo esgotado"),
        ("/trickle.jpg", {"timeout": 0.5}, "tempo esgotado"),
        ("/huge.jpg", {}, "grande demais (999999999 bytes)"),
        ("/stream.jpg", {"max_bytes": 1000}, "grande demais (mais de 1000 bytes)"),
    ],
)
def test_failed_downloads_say_why(cover_server, path, kwargs, reason):
    with pytest.raises(covers.CoverError, match=re.escape(reason)):
        fetch(cover_server, path, **kwargs)


def test_a_refused_connection_is_a_cover_error():
    with pytest.raises(covers.CoverError, match="falha de conexão"):
        covers.download("http://127.0.0.1:9/x.jpg", timeout=1, max_bytes=1000)


@pytest.mark.parametrize("url", ["ftp://example.org/x.jpg", "file:///etc/passwd", "javascript:alert(1)"])
def test_only_http_urls_are_fetched(url):
    with pytest.raises(covers.CoverError, match="não HTTP"):
        covers.download(url, timeout=1, max_bytes=1000)


@pytest.mark.parametrize("path", ["/page.html", "/fake.jpg"])
def test_what_is_not_an_image_is_refused(cover_server, path):
    with pytest.raises(covers.CoverError, match="não é uma imagem"):
        covers.open_image(fetch(cover_server, path))


def test_thumbnails_keep_the_ratio_and_never_upscale():
    image = covers.open_image(JPEG)  # 400×600
    sizes = [(t.width, t.height) for t in covers.thumbnails(image, widths=(160, 320, 480))]
    assert sizes == [(160, 240), (320, 480), (400, 600)]
    assert all(covers.open_image(t.data).format == "JPEG" for t in covers.thumbnails(image, widths=(160,)))
