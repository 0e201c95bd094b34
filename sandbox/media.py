"""Media of the sandbox: tiny valid sample files made in code, and recognising uploads.

sendSMS accepts jpg, png, gif and mp3 files; the sandbox recognises them by their leading
bytes, as a provider would have to (the request carries no file name or type). The samples
are real, decodable images (a few hundred bytes each) so that the portal's media pages show
something; the mp3 is a plausible blob (an ID3 header and silent MPEG frames).
"""

import struct
import zlib
from dataclasses import dataclass

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


def png_bytes(width: int = 16, height: int = 16, rgb: tuple[int, int, int] = (46, 125, 50)
              ) -> bytes:
    """A solid-colour truecolour PNG."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))

    # Each scanline starts with filter type 0 (none).
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def gif_bytes(rgb: tuple[int, int, int] = (21, 101, 192)) -> bytes:
    """A 1x1 GIF89a of one colour."""
    screen = struct.pack("<HHBBB", 1, 1, 0x80, 0, 0)  # global colour table of 2 entries
    palette = bytes(rgb) + b"\x00\x00\x00"
    image = b"," + struct.pack("<HHHHB", 0, 0, 1, 1, 0)
    # LZW, minimum code size 2: clear (4), pixel 0, end (5) in 3-bit codes = 0x44 0x01.
    pixels = b"\x02\x02\x44\x01\x00"
    return b"GIF89a" + screen + palette + image + pixels + b";"


def jpeg_bytes(gray: int = 160) -> bytes:
    """An 8x8 baseline greyscale JPEG of one shade.

    One 8x8 block whose only non-zero coefficient is DC: with every quantiser at 8, the DC
    value is gray-128; each Huffman table holds the one symbol needed, with the code "0".
    """
    diff = gray - 128
    size = abs(diff).bit_length()  # the DC "category"
    bits = "0"  # DC category code
    if size:
        bits += format(diff if diff > 0 else diff + (1 << size) - 1, f"0{size}b")
    bits += "0"  # AC: end of block
    bits += "1" * (-len(bits) % 8)  # pad with ones
    scan = bytearray()
    for i in range(0, len(bits), 8):
        byte = int(bits[i:i + 8], 2)
        scan.append(byte)
        if byte == 0xFF:
            scan.append(0x00)  # byte stuffing

    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">HH", marker, len(payload) + 2) + payload

    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    quant = b"\x00" + bytes([8] * 64)
    frame = struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00"
    dc_table = b"\x00" + bytes([1] + [0] * 15) + bytes([size])
    ac_table = b"\x10" + bytes([1] + [0] * 15) + b"\x00"
    start_of_scan = b"\x01\x01\x00\x00\x3f\x00"
    return (b"\xff\xd8" + segment(0xFFE0, jfif) + segment(0xFFDB, quant)
            + segment(0xFFC0, frame) + segment(0xFFC4, dc_table) + segment(0xFFC4, ac_table)
            + segment(0xFFDA, start_of_scan) + bytes(scan) + b"\xff\xd9")


def mp3_bytes(frames: int = 4) -> bytes:
    """An ID3v2.3 header followed by silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz)."""
    id3 = b"ID3\x03\x00\x00\x00\x00\x00\x00"
    frame_length = 144 * 128_000 // 44_100  # 417 bytes, no padding
    frame = b"\xff\xfb\x90\x64" + b"\x00" * (frame_length - 4)
    return id3 + frame * frames


def sample(name: str) -> tuple[MediaKind, bytes]:
    """A sample file of one kind (png, gif, jpeg or mp3) and its bytes."""
    makers = {"png": png_bytes, "gif": gif_bytes, "jpeg": jpeg_bytes, "mp3": mp3_bytes}
    return KINDS[name], makers[name]()
