"""What a file is, by its first bytes rather than its name (MMS attachments and media)."""

MMS_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "audio/mpeg": "mp3",
}


def sniff(content: bytes) -> str | None:
    """The content type of jpg, png, gif or mp3 bytes, or None for anything else."""
    head = content[:12]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    # An mp3 starts with an ID3 tag or directly with an MPEG audio frame sync.
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF
                                    and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    return None
