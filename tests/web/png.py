"""Just enough of PNG to read a browser screenshot's pixels (8-bit RGB or RGBA, not interlaced).

Pillow would do, but it is not a dependency and the test needs only this.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

CHANNELS = {2: 3, 6: 4}
"""PNG colour type -> bytes per pixel at 8 bits: RGB, RGBA."""


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    channels: int
    rows: list[bytes]

    def rgb(self, x: int, y: int) -> tuple[int, int, int]:
        row, at = self.rows[y], x * self.channels
        return row[at], row[at + 1], row[at + 2]


def read_png(path: Path) -> Image:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat = 8, b""
    width = height = channels = 0
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        chunk, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        at += 12 + length
        if chunk == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8, "only 8-bit PNGs"
            assert colour in CHANNELS, "only RGB and RGBA PNGs"
            assert not interlace, "only PNGs without interlacing"
            channels = CHANNELS[colour]
        elif chunk == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])  # filter, bytes
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + predictor) & 255
        rows.append(bytes(line))
        previous = line
    return Image(width, height, channels, rows)


def ink(image: Image, box: tuple[float, float, float, float]) -> int:
    """Pixels in `box` (x, y, width, height) far from the box's commonest colour: drawn strokes."""
    x0, y0, w, h = (round(v) for v in box)
    pixels = [image.rgb(x, y) for y in range(y0, y0 + h) for x in range(x0, x0 + w)]
    counts: dict[tuple[int, int, int], int] = {}
    for pixel in pixels:
        counts[pixel] = counts.get(pixel, 0) + 1
    background = max(counts, key=lambda p: counts[p])
    return sum(sum(abs(a - b) for a, b in zip(p, background, strict=True)) > 120 for p in pixels)
