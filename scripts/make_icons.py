"""Draw the field app's icons (static/img/icon-*.png) with Pillow: `python scripts/make_icons.py`.

The manifest needs PNGs (192 and 512 px, one of them maskable: the art stays inside the safe
circle of 80 %). Re-run after changing the colours; the PNGs are committed.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parents[1] / "static" / "img"
BLUE = (13, 110, 253)  # Bootstrap's primary, the navbar's colour
WHITE = (255, 255, 255)


def icon(size: int, *, maskable: bool) -> Image.Image:
    img = Image.new("RGB", (size, size), BLUE)
    draw = ImageDraw.Draw(img)
    inset = size * (0.2 if maskable else 0.08)
    draw.rounded_rectangle(
        (inset, inset, size - inset, size - inset),
        radius=size * 0.12,
        outline=WHITE,
        width=max(2, size // 40),
    )
    font = ImageFont.load_default(size=int(size * (0.22 if maskable else 0.3)))
    draw.text((size / 2, size / 2), "PSM", fill=WHITE, font=font, anchor="mm")
    return img


if __name__ == "__main__":
    for size in (192, 512):
        icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    print("icons written to", OUT)
