"""Media of the sandbox: sample files made in code, and recognising uploads.

sendSMS accepts jpg, png, gif and mp3 files; the sandbox recognises them by their leading
bytes, as a provider would have to (the request carries no file name or type). Sample
images are drawn with Pillow: the demo's pictures for what people see, tiny solid ones for
tests; the mp3 is a plausible blob (an ID3 header and silent MPEG frames).
"""

import io
from dataclasses import dataclass
from itertools import count

from PIL import Image

from sandbox import demo_pictures

MAX_FILE_BYTES = int(3.5 * 1024 * 1024)


@dataclass(frozen=True)
class MediaKind:
    name: str
    content_type: str
    extension: str


PNG = MediaKind("png", "image/png", "png")
GIF = MediaKind("gif", "image/gif", "gif")
JPEG = MediaKind("jpeg", "image/jpeg", "jpg")
MP3 = MediaKind("mp3", "audio/mpeg", "mp3")
KINDS = {kind.name: kind for kind in (PNG, GIF, JPEG, MP3)}


def sniff(data: bytes) -> MediaKind | None:
    """The kind of an uploaded file from its magic bytes, or None if it is not supported."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    # An ID3 tag, or straight into an MPEG audio frame (11 sync bits set).
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return MP3
    return None


def _image(format_name: str, mode: str, size: tuple[int, int], colour) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format=format_name)
    return out.getvalue()


def png_bytes(width: int = 16, height: int = 16, rgb: tuple[int, int, int] = (46, 125, 50)
              ) -> bytes:
    """A solid-colour PNG (tests that need a small, exact file)."""
    return _image("PNG", "RGB", (width, height), rgb)


def gif_bytes(rgb: tuple[int, int, int] = (21, 101, 192)) -> bytes:
    """A 1x1 GIF of one colour."""
    return _image("GIF", "RGB", (1, 1), rgb)


def jpeg_bytes(gray: int = 160) -> bytes:
    """An 8x8 greyscale JPEG of one shade."""
    return _image("JPEG", "L", (8, 8), gray)


def mp3_bytes(frames: int = 4) -> bytes:
    """An ID3v2.3 header followed by silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz)."""
    id3 = b"ID3\x03\x00\x00\x00\x00\x00\x00"
    frame_length = 144 * 128_000 // 44_100  # 417 bytes, no padding
    frame = b"\xff\xfb\x90\x64" + b"\x00" * (frame_length - 4)
    return id3 + frame * frames


_scenes = count()


def sample(name: str) -> tuple[MediaKind, bytes]:
    """A sample file of one kind (png, gif, jpeg or mp3) and its bytes: for an image, one of
    the demo's pictures in turn (sandbox/demo_pictures.py), so that it looks like one."""
    if name == MP3.name:
        return MP3, mp3_bytes()
    return KINDS[name], demo_pictures.picture(next(_scenes), name)
