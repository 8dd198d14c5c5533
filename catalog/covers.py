"""Fetch a cover image over HTTP and turn it into thumbnails (no database here).

A fetch that fails in any way raises `CoverError` with a short reason the book records:
HTTP errors, timeouts (per read and in total), bodies over `max_bytes`, and anything
Pillow does not read as a JPEG/PNG/GIF/WebP image. Redirects are followed (at most
`MAX_REDIRECTS`); only http(s) URLs are fetched.
"""

import io
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

from core.http import parse_id

MAX_REDIRECTS = 5
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# Far above any cover (a 4000×6000 scan is 24 M); refuses decompression bombs early.
MAX_PIXELS = 40_000_000
USER_AGENT = "CGBookStore cover fetcher"
CHUNK = 64 * 1024


class CoverError(Exception):
    """A cover could not be had; the message is the reason recorded on the book."""


@dataclass
class Thumbnail:
    width: int
    height: int
    data: bytes


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise CoverError(f"redirecionamento para um endereço não HTTP: {newurl[:100]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_LimitedRedirects)


def download(url: str, *, timeout: float, max_bytes: int) -> bytes:
    """The body at `url`, or CoverError. `timeout` bounds each socket wait and the whole download."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise CoverError("endereço não HTTP")
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
    try:
        with _opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if (parse_id(length) or 0) > max_bytes:
                raise CoverError(f"grande demais ({length} bytes)")
            body = bytearray()
            while chunk := response.read(CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise CoverError(f"grande demais (mais de {max_bytes} bytes)")
                if time.monotonic() > deadline:
                    raise CoverError("tempo esgotado")
            return bytes(body)
    except CoverError:
        raise
    except urllib.error.HTTPError as error:
        raise CoverError(f"HTTP {error.code}") from None
    except TimeoutError:
        raise CoverError("tempo esgotado") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise CoverError("tempo esgotado") from None
        raise CoverError(f"falha de conexão: {str(error.reason)[:150]}") from None
    except (OSError, ValueError) as error:  # resets, bad URLs, malformed responses
        raise CoverError(f"falha de conexão: {str(error)[:150]}") from None


def open_image(data: bytes) -> Image.Image:
    """`data` as a loaded Pillow image, or CoverError when it is not a cover we accept."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise CoverError(f"formato não aceito: {probe.format}")
            if probe.width * probe.height > MAX_PIXELS:
                raise CoverError("imagem grande demais")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except CoverError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise CoverError("não é uma imagem") from None
    if image.width < 2 or image.height < 2:
        raise CoverError("imagem vazia")  # 1×1 "no cover" pixels some sources send
    return image


def thumbnails(image: Image.Image, *, widths: tuple[int, ...]) -> list[Thumbnail]:
    """JPEG thumbnails at each of `widths` narrower than the image, plus one at its own width
    when it is narrower than the widest asked (never upscaled)."""
    image = image.convert("RGB")
    sizes = sorted({min(width, image.width) for width in widths})
    result = []
    for width in sizes:
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        resized.save(out, "JPEG", quality=82, optimize=True, progressive=True)
        result.append(Thumbnail(width=width, height=height, data=out.getvalue()))
    return result
