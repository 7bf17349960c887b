#!/usr/bin/env python3
"""Writes tshark's TCP analysis flags for every capture of ../shared/corpus, the reference
tst_analysisconformance compares with: `python3 make-analysis-reference.py SHARED_DIR >
analysis-tshark.txt` (needs tshark; run again when the corpus or the tshark version changes)."""
import concurrent.futures, glob, os, subprocess, sys

FLAGS = ["retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
         "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window", "zero_window_probe",
         "zero_window_probe_ack", "window_full", "window_update", "keep_alive", "keep_alive_ack"]

corpus = os.path.join(sys.argv[1], "corpus")
version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
print(f"# The tcp.analysis.* flags {version} sets on the frames of each capture of ../shared/corpus")
print("# (tests/conformance/make-analysis-reference.py). `= CAPTURE` starts a capture tshark read;")
print("# each line after it is `FRAME FLAG,FLAG...` (the fields' suffixes), followed, where FRAME completed an IP")
print("# datagram tshark reassembled from fragments, by the frame of its first fragment (where the flow")
print("# rule, which does not reassemble, finds the segment's TCP header).")


def flagged(path):
    """tshark's lines for one capture: `= CAPTURE`, then `FRAME FLAG,... [FIRST_FRAGMENT]`; none if
    unreadable."""
    fields = sum((["-e", "tcp.analysis." + f] for f in FLAGS), [])
    r = subprocess.run(["tshark", "-n", "-r", path, "-Y", "tcp.analysis.flags", "-T", "fields",
                        "-e", "frame.number", "-e", "ip.fragment", "-e", "ipv6.fragment"] + fields, capture_output=True, text=True)
    if r.returncode != 0 and not r.stdout:
        return []  # a file tshark cannot read
    lines = ["= " + os.path.relpath(path, corpus)]
    for line in r.stdout.splitlines():
        cols = line.split("\t")
        names = [FLAGS[i] for i, v in enumerate(cols[3:]) if v]
        if not names:
            continue
        # the fragments of the (innermost reassembled) datagram, the one at offset 0 first
        fragments = (cols[2] or cols[1]).split(",")[0]
        first = fragments if fragments and fragments != cols[0] else ""
        lines.append(" ".join(filter(None, [cols[0], ",".join(names), first])))
    return lines


paths = [p for source in ("tcpdump", "zeek")
         for p in sorted(glob.glob(os.path.join(corpus, source, "**", "*"), recursive=True)) if os.path.isfile(p)]
with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
    for lines in pool.map(flagged, paths):
        for line in lines:
            print(line)
