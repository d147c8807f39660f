"""Small real PDFs for tests: each page shows its number in large digits (so a screenshot tells pages apart)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont


def make_pdf(pages: int = 3, label: str = "") -> bytes:
    images = []
    for n in range(1, pages + 1):
        img = Image.new("RGB", (420, 594), "white")
        draw = ImageDraw.Draw(img)
        try:
            font = ImageFont.load_default(size=120)
        except TypeError:  # very old Pillow
            font = ImageFont.load_default()
        draw.text((60, 200), f"P{n}", fill="black", font=font)
        if label:
            draw.text((20, 20), label, fill="black", font=ImageFont.load_default(size=24))
        images.append(img)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=72)
    return buffer.getvalue()
