"""Draw the installable portal's icons (static/icons/*.png) in pure Python: no image library needed.

    python scripts/make_icons.py

The glyph is the favicon's (static/img/favicon.svg): a neutral calendar, nothing that names a shelter or hints
at one. "any" icons are a rounded dark square (the header's #1f2a37) with the calendar; "maskable" ones fill
the whole square and keep the calendar inside the central 60 % (the safe zone a launcher's mask never cuts).
Each shape is drawn with analytic anti-aliasing (coverage from its signed distance), and the PNG is written
with zlib, so the output is the same bytes on every machine.
"""

from __future__ import annotations

import struct
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
HEADER = (0x1F, 0x2A, 0x37)  # --c-header
PRIMARY = (0x1F, 0x5F, 0xA8)  # --c-primary (light)
PAPER = (0xFF, 0xFF, 0xFF)
RINGS = (0xD5, 0xDB, 0xE3)  # --c-nav-text: the calendar's rings stand out on the dark square


@dataclass(frozen=True)
class RoundedRect:
    """A rectangle in the favicon's 32-unit space, with corner radius `r`; `top_only` rounds the top corners."""

    x: float
    y: float
    w: float
    h: float
    r: float
    colour: tuple[int, int, int]
    top_only: bool = False

    def distance(self, px: float, py: float) -> float:
        """Signed distance (negative inside) from a point to the shape, in the same units."""
        cx, cy = self.x + self.w / 2, self.y + self.h / 2
        r = self.r if (not self.top_only or py < cy) else 0.0
        qx = abs(px - cx) - self.w / 2 + r
        qy = abs(py - cy) - self.h / 2 + r
        outside = (max(qx, 0.0) ** 2 + max(qy, 0.0) ** 2) ** 0.5
        return outside + min(max(qx, qy), 0.0) - r


def calendar() -> list[RoundedRect]:
    """The favicon's calendar, in its 32×32 coordinates."""
    cells = [(7, 16), (14, 16), (21, 16), (7, 22), (14, 22)]
    return [
        RoundedRect(3, 5, 26, 24, 4, PAPER),
        RoundedRect(3, 5, 26, 8, 4, PRIMARY, top_only=True),
        RoundedRect(9, 2, 2.5, 6, 1.25, RINGS),
        RoundedRect(20.5, 2, 2.5, 6, 1.25, RINGS),
        *(RoundedRect(x, y, 4, 3, 0.5, HEADER) for x, y in cells),
    ]


def draw(size: int, *, maskable: bool) -> bytes:
    """RGBA rows of one icon."""
    # The glyph's 32 units span 68 % of an "any" icon and 52 % of a maskable one (inside its 60 % safe circle:
    # the calendar's corners reach 0.52 * sqrt(2) / 2 ≈ 0.37 of the side from the centre, under the 0.4 radius).
    glyph = size * (0.52 if maskable else 0.68)
    unit = glyph / 32
    offset = (size - glyph) / 2
    background = RoundedRect(0, 0, size, size, 0 if maskable else size * 0.18, HEADER)
    shapes = calendar()
    rows = []
    for y in range(size):
        row = bytearray([0])  # PNG filter: none
        for x in range(size):
            px, py = x + 0.5, y + 0.5
            alpha = min(max(0.5 - background.distance(px, py), 0.0), 1.0)
            red, green, blue = HEADER
            gx, gy = (px - offset) / unit, (py - offset) / unit
            for shape in shapes:
                cover = min(max(0.5 - shape.distance(gx, gy) * unit, 0.0), 1.0)
                if cover:
                    red = red + (shape.colour[0] - red) * cover
                    green = green + (shape.colour[1] - green) * cover
                    blue = blue + (shape.colour[2] - blue) * cover
            row += bytes((round(red), round(green), round(blue), round(alpha * 255)))
        rows.append(bytes(row))
    return b"".join(rows)


def png(size: int, rgba: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rgba, 9)) + chunk(b"IEND", b"")


ICONS = {
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "maskable-192.png": (192, True),
    "maskable-512.png": (512, True),
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (size, maskable) in ICONS.items():
        (OUT / name).write_bytes(png(size, draw(size, maskable=maskable)))
        print(f"{OUT / name}: {size}×{size}{' maskable' if maskable else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
