#!/usr/bin/python3
"""
gen_throttle.py - expected values for tests/unit/t_throttle.c.

Run with Debian 12's /usr/bin/python3 (Django 3.2.25, DRF 3.14.0) from the
top of the tree:

	/usr/bin/python3 tests/unit/gen_throttle.py tests/unit/t_throttle.c

It rewrites the parts of t_throttle.c between the "BEGIN GENERATED" and
"END GENERATED" lines; a rerun changes nothing.

- waits: a window ending at end (milliseconds) seen at now (seconds): the
  detail of DRF's exceptions.Throttled(wait) and the Retry-After header
  DRF's views.exception_handler sets from it;
- clients: the /64 of an IPv6 client (ipaddress), IPv4 as it is;
- idents: HMAC-SHA256 (hex) of a collation weight under the key.
"""
import hashlib
import hmac
import ipaddress
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from genc import cstr, rewrite_generated  # noqa: E402

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(USE_TZ=True, INSTALLED_APPS=["rest_framework"])
django.setup()

from rest_framework import exceptions, views  # noqa: E402

NOW = [1764460000.0, 1764460000.5, 1764460000.25, 1764460000.75]
LEFT_MS = [1, 250, 500, 999, 1000, 1001, 1500, 2000, 59999, 60000, 60001, 899999, 900000,
           3600000, 86399999, 86400000]

CLIENTS = ["127.0.0.1", "203.0.113.7", "::1", "2001:db8::1", "2001:db8:1:2:3:4:5:6",
           "2001:db8:1:2:ffff:ffff:ffff:ffff", "fe80::1", "2001:db8:0:1::", "::", "2001:db8:abcd:12::1"]

KEY = b"0123456789abcdef0123456789abcdef-throttle"
WEIGHTS = [b"", b"\x00J\x00O\x00H\x00N\x00@\x00X\x00.\x00C\x00O\x00M", b"\x00A" * 255]


def main(path):
    rows = []
    for now in NOW:
        for left in LEFT_MS:
            end = int(now * 1000) + left
            wait = (end - now * 1000) / 1000
            exc = exceptions.Throttled(wait)
            resp = views.exception_handler(exc, {})
            rows.append("\t{ %dLL, %r, %s, %s },\n" % (end, now, cstr(exc.detail), cstr(resp["Retry-After"])))
    rewrite_generated(path, "/* BEGIN GENERATED waits by tests/unit/gen_throttle.py; do not edit */\n",
                      ["static const struct wait_vec waits[] = {\n"] + rows + ["};\n"])
    rows = []
    for c in CLIENTS:
        a = ipaddress.ip_address(c)
        want = c if a.version == 4 else "%s/64" % ipaddress.ip_network(c + "/64", strict=False).network_address
        rows.append("\t{ %s, %s },\n" % (cstr(c), cstr(want)))
    rewrite_generated(path, "/* BEGIN GENERATED clients by tests/unit/gen_throttle.py; do not edit */\n",
                      ["static const struct client_vec clients[] = {\n"] + rows + ["};\n"])
    rows = []
    for w in WEIGHTS:
        rows.append("\t{ %s, %d, %s },\n" % (cstr(w), len(w), cstr(hmac.new(KEY, w, hashlib.sha256).hexdigest())))
    rewrite_generated(path, "/* BEGIN GENERATED idents by tests/unit/gen_throttle.py; do not edit */\n",
                      ["#define IDENT_KEY %s\n" % cstr(KEY), "static const struct ident_vec idents[] = {\n"]
                      + rows + ["};\n"])


if __name__ == "__main__":
    main(sys.argv[1])
