#!/usr/bin/env python3
"""html_checks.py - the checks html_report_test.sh makes on what headless
Chromium did with a report, using only the standard library.

  html_checks.py netlog NETLOG        exit 1 if the page asked the network
                                      for anything (a URL_REQUEST_START_JOB
                                      the page started: initiator not "not an
                                      origin", the browser's own background
                                      requests; any scheme but file: and data:)
  html_checks.py pixels PNG COLOUR... exit 1 unless the screenshot has at
                                      least 40 pixels of each COLOUR (#RRGGBB,
                                      exactly) and at least 16 distinct colours
  html_checks.py selfcontained HTML   exit 1 if the page loads or links to
                                      anything outside itself (src=, href=,
                                      url(, @import, <script, <link)
"""
import json
import re
import struct
import sys
import zlib


def netlog(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    # Chromium may leave the log unterminated if it is killed; close it.
    try:
        d = json.loads(text)
    except json.JSONDecodeError:
        d = json.loads(text.rstrip().rstrip(",") + "]}")
    start = d["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    bad = []
    for e in d.get("events", []):
        if e.get("type") != start:
            continue
        p = e.get("params", {})
        url = p.get("url", "")
        if not url or url.startswith("file:") or url.startswith("data:"):
            continue
        if p.get("initiator") == "not an origin":  # the browser's own
            continue
        bad.append(url)
    for u in bad:
        print("network request from the page:", u)
    return 1 if bad else 0


def png_pixels(path):
    """Decodes an 8-bit, non-interlaced RGB or RGBA PNG: (width, height, rows)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w, h, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, "unsupported PNG"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def pixels(path, colours):
    w, h, bpp, rows = png_pixels(path)
    counts = {}
    for row in rows:
        for x in range(0, w * bpp, bpp):
            px = row[x:x + 3]
            counts[px] = counts.get(px, 0) + 1
    status = 0
    if len(counts) < 16:
        print(f"{path}: only {len(counts)} distinct colours (blank?)")
        status = 1
    for c in colours:
        want = bytes.fromhex(c.lstrip("#"))
        got = counts.get(want, 0)
        print(f"{path}: {got} pixels of {c}")
        if got < 40:
            status = 1
    return status


def selfcontained(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    bad = []
    for pat in (r"<script", r"<link", r"<img", r"<iframe", r"<object", r"<embed",
                r"\bsrc\s*=", r"\bhref\s*=\s*[\"']?(?!#)", r"url\(", r"@import"):
        for m in re.finditer(pat, text, re.I):
            bad.append(text[max(0, m.start() - 20):m.end() + 40].replace("\n", " "))
    for b in bad:
        print("external reference:", b)
    return 1 if bad else 0


def main():
    what, args = sys.argv[1], sys.argv[2:]
    if what == "netlog":
        return netlog(args[0])
    if what == "pixels":
        return pixels(args[0], args[1:])
    if what == "selfcontained":
        return selfcontained(args[0])
    print("usage: html_checks.py netlog|pixels|selfcontained ...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
