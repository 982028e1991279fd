"""Real images made by the tests with Pillow (PNG, JPEG, WebP, GIF)."""
from __future__ import annotations

import io

from PIL import Image


def image_bytes(kind: str = "PNG", *, size: tuple[int, int] = (64, 48), color: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind)
    return out.getvalue()


def png_bytes(**options) -> bytes:
    return image_bytes("PNG", **options)
