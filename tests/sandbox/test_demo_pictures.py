"""The demo's MMS pictures look like pictures: a few hundred pixels, many colours."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from sandbox import demo_pictures
from sandbox.media import sniff
from sandbox.models import SandboxMedia


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes the whole file: a truncated one fails here
    return image


def colours(image: Image.Image) -> int:
    return len(image.convert("RGB").getcolors(maxcolors=1 << 20))


@pytest.mark.parametrize("kind", ["png", "jpeg", "gif"])
def test_each_format_is_a_picture_of_its_kind(kind):
    data = demo_pictures.picture(0, kind)
    image = opened(data)
    assert sniff(data).name == kind
    assert image.size == (360, 240)
    assert colours(image) > 20


def test_the_scenes_differ():
    pictures = {demo_pictures.picture(n, "png") for n in range(len(demo_pictures.SCENES))}
    assert len(pictures) == len(demo_pictures.SCENES)


def test_the_demos_mms_images_are_real_pictures(db):
    call_command("seed_demo")
    images = [m for m in SandboxMedia.objects.all() if m.content_type.startswith("image/")]
    assert len(images) >= 5
    for media in images:
        image = opened(bytes(media.data))
        assert image.width > 100 and image.height > 100
        assert colours(image) > 20
    assert len({bytes(m.data) for m in images}) > 3
