#!/usr/bin/python3
"""
gen_digits.py - generate lib/pycompat_digits.h, the table of Unicode decimal
digits of lib/pycompat.c (what int() reads as digits, py_int_parse).

Run with Debian 12's /usr/bin/python3 (CPython 3.11.2) from the top of the
tree:

	/usr/bin/python3 tools/gen/gen_digits.py > lib/pycompat_digits.h

A rerun with the same Python changes nothing.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from genh import banner  # noqa: E402


def main():
    zeros = []
    for c in range(0x110000):
        ch = chr(c)
        if ch.isdecimal() and int(ch) == 0:
            zeros.append(c)
            # Each run is ten code points, 0 to 9 in order.
            for d in range(10):
                assert chr(c + d).isdecimal() and int(chr(c + d)) == d
    assert sum(1 for c in range(0x110000) if chr(c).isdecimal()) == 10 * len(zeros)

    w = sys.stdout.write
    w(banner("pycompat_digits.h", "Unicode decimal digits for pycompat.c", "gen_digits.py"))
    w("/*\n * The zero of every run of Unicode decimal digits (str.isdecimal(),\n"
      " * what int() reads as digits), sorted; each run is ten code points long.\n"
      " */\n")
    w("static const uint32_t dec_zeros[] = {\n")
    for i in range(0, len(zeros), 8):
        w("\t" + " ".join("0x%04x," % z for z in zeros[i:i + 8]) + "\n")
    w("};\n")


if __name__ == "__main__":
    main()
