"""Pictures of the demo's MMS messages, drawn with Pillow: a few small scenes (gradients,
shapes and a caption, 360x240) that look like the photos patients and staff text each
other, so that the demo's picture bubbles show something recognisable.

Drawn in code rather than shipped as files: nothing binary in the repository, and every
format the provider takes (png, jpeg, gif) comes from the same drawing.
"""

import io
from collections.abc import Callable
from functools import cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 360, 240
# Pillow's format name of each of the sandbox's media kinds (sandbox.media.KINDS).
FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF"}

Colour = tuple[int, int, int]


def _gradient(draw: ImageDraw.ImageDraw, top: Colour, bottom: Colour, *, start: int = 0,
              end: int = HEIGHT) -> None:
    """A vertical gradient from `top` to `bottom` over the rows start..end."""
    rows = max(end - start - 1, 1)
    for y in range(start, end):
        t = (y - start) / rows
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (WIDTH, y)], fill=colour)


def _caption(draw: ImageDraw.ImageDraw, text: str) -> None:
    """White text on a dark band along the bottom, like a phone's photo caption."""
    font = ImageFont.load_default(size=18)
    draw.rectangle([0, HEIGHT - 34, WIDTH, HEIGHT], fill=(20, 24, 32))
    draw.text((12, HEIGHT - 28), text, fill=(255, 255, 255), font=font)


def _harbor_sunset(draw: ImageDraw.ImageDraw) -> None:
    _gradient(draw, (255, 183, 77), (142, 68, 173), end=140)
    draw.ellipse([140, 70, 220, 150], fill=(255, 236, 179))
    _gradient(draw, (41, 98, 155), (13, 42, 84), start=140)
    for y in range(150, HEIGHT - 40, 12):  # the sun's reflection on the water
        draw.line([(160, y), (200, y)], fill=(255, 214, 153), width=3)
    draw.polygon([(30, 140), (70, 118), (110, 140)], fill=(33, 33, 33))  # a sail
    _caption(draw, "Harbor at sunset")


def _insurance_card(draw: ImageDraw.ImageDraw) -> None:
    _gradient(draw, (236, 239, 241), (176, 190, 197))
    draw.rounded_rectangle([40, 30, 320, 190], radius=16, fill=(255, 255, 255),
                           outline=(120, 144, 156), width=2)
    draw.rounded_rectangle([40, 30, 320, 74], radius=16, fill=(21, 101, 192))
    draw.rectangle([40, 58, 320, 74], fill=(21, 101, 192))
    font = ImageFont.load_default(size=16)
    draw.text((56, 42), "BLUE HARBOR HEALTH", fill=(255, 255, 255), font=font)
    for row, width in enumerate((200, 150, 170)):
        draw.rounded_rectangle([56, 92 + row * 26, 56 + width, 104 + row * 26], radius=5,
                               fill=(207, 216, 220))
    draw.ellipse([262, 120, 302, 160], fill=(255, 193, 7))  # the card's chip
    _caption(draw, "Insurance card, front")


def _clinic_front(draw: ImageDraw.ImageDraw) -> None:
    _gradient(draw, (129, 212, 250), (225, 245, 254), end=170)
    draw.rectangle([0, 170, WIDTH, HEIGHT], fill=(124, 179, 66))
    draw.rectangle([90, 70, 270, 180], fill=(245, 245, 245), outline=(97, 97, 97), width=2)
    draw.polygon([(80, 72), (180, 30), (280, 72)], fill=(198, 40, 40))
    for x in (105, 150, 215):
        draw.rectangle([x, 90, x + 30, 115], fill=(144, 202, 249), outline=(97, 97, 97))
    draw.rectangle([165, 130, 195, 180], fill=(121, 85, 72))
    draw.rectangle([172, 40, 188, 64], fill=(255, 255, 255))  # the red cross's white field
    draw.rectangle([177, 44, 183, 60], fill=(198, 40, 40))
    draw.rectangle([173, 49, 187, 55], fill=(198, 40, 40))
    for x in (30, 310):
        draw.rectangle([x - 4, 140, x + 4, 180], fill=(93, 64, 55))
        draw.ellipse([x - 26, 100, x + 26, 150], fill=(56, 142, 60))
    _caption(draw, "Our entrance on Harbor Blvd")


def _prescription(draw: ImageDraw.ImageDraw) -> None:
    _gradient(draw, (255, 248, 225), (255, 224, 178))
    draw.rounded_rectangle([120, 60, 240, 200], radius=12, fill=(255, 143, 0))
    draw.rounded_rectangle([112, 40, 248, 68], radius=6, fill=(250, 250, 250),
                           outline=(158, 158, 158), width=2)
    draw.rectangle([128, 100, 232, 170], fill=(255, 255, 255))
    font = ImageFont.load_default(size=13)
    draw.text((136, 106), "Rx 40217", fill=(33, 33, 33), font=font)
    for row in range(3):
        draw.line([(136, 130 + row * 12), (224, 130 + row * 12)], fill=(189, 189, 189), width=3)
    for x, y in ((60, 170), (80, 185), (285, 175)):
        draw.ellipse([x, y, x + 22, y + 12], fill=(255, 255, 255), outline=(189, 189, 189))
    _caption(draw, "Is this the right one?")


def _mountain_trail(draw: ImageDraw.ImageDraw) -> None:
    _gradient(draw, (100, 181, 246), (187, 222, 251), end=160)
    draw.polygon([(0, 170), (90, 60), (170, 170)], fill=(96, 125, 139))
    draw.polygon([(70, 84), (90, 60), (110, 84)], fill=(255, 255, 255))
    draw.polygon([(120, 170), (240, 40), (360, 170)], fill=(84, 110, 122))
    draw.polygon([(212, 70), (240, 40), (268, 70)], fill=(255, 255, 255))
    _gradient(draw, (104, 159, 56), (51, 105, 30), start=160)
    draw.polygon([(160, HEIGHT), (200, 160), (215, 160), (230, HEIGHT)], fill=(188, 170, 164))
    _caption(draw, "Back on the trail, knee is fine!")


SCENES: list[Callable[[ImageDraw.ImageDraw], None]] = [
    _harbor_sunset, _insurance_card, _clinic_front, _prescription, _mountain_trail]


@cache
def picture(index: int, kind: str) -> bytes:
    """The bytes of scene `index` (any int: taken modulo the number of scenes) as `kind`
    (png, jpeg or gif)."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    SCENES[index % len(SCENES)](ImageDraw.Draw(image))
    if kind == "gif":
        image = image.quantize(colors=128)  # GIF holds a palette of at most 256 colours
    out = io.BytesIO()
    options = {"quality": 85} if kind == "jpeg" else {"optimize": True}
    image.save(out, format=FORMATS[kind], **options)
    return out.getvalue()
