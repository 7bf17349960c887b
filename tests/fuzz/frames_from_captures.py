#!/usr/bin/env python3
# Seeds for fuzz_decode from capture files: the first frames of each classic pcap (either byte
# order, micro- or nanosecond) whose link type fuzz_decode tries, each written as its input
# (one byte choosing the link type in fuzz_decode's kLinkTypes, then the frame's bytes).
# Usage: frames_from_captures.py OUTDIR CAPTURE_DIR... (at most 8 frames a file, 4,000 in all)
import os
import struct
import sys

LINK_TYPES = [0, 1, 7, 8, 9, 10, 12, 14, 50, 51, 100, 101, 104, 105, 106, 107, 108, 113, 127,
              129, 147, 149, 178, 192, 226, 228, 229, 239, 242, 258, 276]  # as fuzz_decode.cpp


def frames(path, limit):
    with open(path, 'rb') as f:
        data = f.read(1 << 20)
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        order = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        order = '>'
    else:
        return
    link = struct.unpack(order + 'I', data[20:24])[0] & 0xffff
    if link not in LINK_TYPES:
        return
    at = 24
    for _ in range(limit):
        if at + 16 > len(data):
            return
        captured = struct.unpack(order + 'I', data[at + 8:at + 12])[0]
        if captured > 65535 or at + 16 + captured > len(data):
            return
        yield LINK_TYPES.index(link), data[at + 16:at + 16 + captured]
        at += 16 + captured


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    written = 0
    for top in sys.argv[2:]:
        for name in sorted(os.listdir(top)):
            path = os.path.join(top, name)
            if not os.path.isfile(path):
                continue
            for i, (index, frame) in enumerate(frames(path, 8)):
                with open(os.path.join(out, f'{name}-{i}'), 'wb') as f:
                    f.write(bytes([index]) + frame)
                written += 1
                if written >= 4000:
                    return


main()
