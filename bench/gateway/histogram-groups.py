#!/usr/bin/env python3
"""Groups the heap growth between two class histograms (jcmd GC.class_histogram) by owner, per connection.

    bench/gateway/histogram-groups.py bench/results/<run>-idle/histogram-0.txt bench/results/<run>-idle/histogram-19500.txt 19500

Classes are grouped by package/name; JDK collection and string classes cannot be told apart by owner from a histogram,
so they are listed as their own group ("JDK collections, strings, arrays, locks")."""
import re
import sys

GROUPS = [
    ("Deskframe gateway state", [r"^org\.deskframe\."]),
    ("Netty channel and pipeline (channel, contexts, outbound buffer, config)", [r"^io\.netty\.channel\."]),
    ("Netty WebSocket codec (decoder, encoder, protocol and close handlers, UTF-8 validator)",
     [r"^io\.netty\.handler\.codec\."]),
    ("Netty utilities (attributes, promises, scheduled tasks)", [r"^io\.netty\."]),
    ("Spring WebSocket adapter", [r"^org\.springframework\.web\.socket\."]),
    ("Spring Security request wrappers", [r"^org\.springframework\.security\."]),
    ("Spring MVC request state", [r"^org\.springframework\.(web|http|util)\."]),
    ("Micrometer observations", [r"^io\.micrometer\."]),
    ("Jetty WebSocket (session, connection, parser, flusher)", [r"^org\.eclipse\.jetty\.websocket\."]),
    ("Jetty HTTP exchange kept from the upgrade (connection, parser, channel, servlet request/response, headers)",
     [r"^org\.eclipse\.jetty\.(server|http|ee11|session)\."]),
    ("Jetty I/O and utilities (endpoint, callbacks, locks)", [r"^org\.eclipse\.jetty\."]),
    ("NIO socket (channel, key, addresses, fd)", [r"^sun\.nio\.", r"^java\.net\.", r"^java\.io\.FileDescriptor"]),
    ("JDK collections, strings, arrays, locks (owner not visible)", [r".*"]),
]


def load(path):
    d = {}
    for line in open(path):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            d[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return d


def main():
    before, after, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
    totals = {g: 0 for g, _ in GROUPS}
    for name, (count, size) in after.items():
        grown = size - before.get(name, (0, 0))[1]
        for group, patterns in GROUPS:
            if any(re.match(p, name) for p in patterns):
                totals[group] += grown
                break
    total = sum(totals.values())
    print(f"| where | bytes per connection |\n|---|---:|")
    for group, _ in GROUPS:
        # Groups of a stack the run did not use (Jetty in a Netty run, or the other way round) are left out.
        if round(totals[group] / n) != 0:
            print(f"| {group} | {totals[group] / n:,.0f} |")
    print(f"| **total** | **{total / n:,.0f}** |")


if __name__ == "__main__":
    main()
