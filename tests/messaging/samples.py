"""Files as the composer and the media view see them: the first bytes decide the type."""

from django.core.files.uploadedfile import SimpleUploadedFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 40
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x02" * 40
GIF = b"GIF89a" + b"\x03" * 40
MP3 = b"ID3\x04\x00\x00" + b"\x04" * 40
TEXT = b"Not an image at all, just words.\n"
TOO_LARGE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 3_500_000  # 3.5 MB and a little more


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
