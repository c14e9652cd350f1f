#!/usr/bin/env python3
"""Writes chart.png, the bar chart the tables case shows (a 480x270 RGB
image made from scratch with zlib: no imaging library needed). Run it
in this folder; the JPEG photo.jpg was made from a page of the case's
own PDF: pdftoppm -jpeg -r 30 -f 1 -l 1 -scale-to 300 tables.pdf photo."""
import struct, zlib

W, H = 480, 270
bars = [(60, 0.45, (0x2b, 0x5c, 0x8a)), (150, 0.70, (0x2b, 0x5c, 0x8a)),
        (240, 0.55, (0x2b, 0x5c, 0x8a)), (330, 0.90, (0xb0, 0x30, 0x30))]
rows = []
for y in range(H):
    row = bytearray([0])  # filter: none
    for x in range(W):
        px = (255, 255, 255)
        if y == H - 30 or x == 40:
            px = (0, 0, 0)
        for bx, frac, col in bars:
            top = int((H - 30) - frac * (H - 60))
            if bx <= x < bx + 60 and top <= y < H - 30:
                px = col
        row += bytes(px)
    rows.append(bytes(row))

def chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

png = b"\x89PNG\r\n\x1a\n"
png += chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
png += chunk(b"IEND", b"")
open("chart.png", "wb").write(png)
