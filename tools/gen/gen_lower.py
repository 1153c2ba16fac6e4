#!/usr/bin/python3
"""
gen_lower.py - generate lib/pycompat_lower.h, the str.lower() tables of lib/pycompat.c.

The tables are taken from the running interpreter, so run this with the
CPython the original service ran on (3.11, Unicode 14.0.0):

	/usr/bin/python3 tools/gen/gen_lower.py > lib/pycompat_lower.h

Four tables are emitted, each sorted for a binary search:

  lower_ranges    single code point mappings, as runs (lo, hi, delta,
                  stride): every code point lo, lo + stride, ... <= hi
                  lower-cases to itself + delta.  Code points inside a run
                  but off its stride are unchanged.
  lower_special   mappings to more than one code point (only U+0130 in
                  Unicode 14: "i" + U+0307).
  case_ignorable  ranges of Unicode Case_Ignorable code points and
  cased           ranges of Cased code points that are not Case_Ignorable,
                  both for CPython's Final_Sigma rule (U+03A3 lower-cases to
                  U+03C2 at the end of a word).

Python does not expose Cased and Case_Ignorable, so they are read off
str.lower() itself.  With c a code point, A = "A" and S = U+03A3:
  (c + S).lower() ends in U+03C2      iff c is cased and not ignorable
  (A + S + c).lower()[1] == U+03C2    iff c is ignorable or not cased
  (A + c + S).lower() ends in U+03C2  iff c is ignorable or cased
so c is ignorable iff the last two hold.  Cased is only ever consulted for
code points that are not ignorable, which is all the table records.
"""
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from genh import banner  # noqa: E402

SIGMA = "\u03a3"
FINAL = "\u03c2"


def code_points():
    """All code points a valid UTF-8 string can hold (no surrogates)."""
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        yield c


def runs(pairs):
    """Group sorted (cp, delta) pairs into (lo, hi, delta, stride) runs."""
    out = []
    for cp, delta in pairs:
        if out:
            lo, hi, d, stride = out[-1]
            if d == delta and stride == 0 and cp - hi <= 2:
                out[-1] = (lo, cp, d, cp - hi)
                continue
            if d == delta and stride != 0 and cp - hi == stride:
                out[-1] = (lo, cp, d, stride)
                continue
        out.append((cp, cp, delta, 0))
    return [(lo, hi, d, stride or 1) for lo, hi, d, stride in out]


def ranges(cps):
    """Group sorted code points into inclusive (lo, hi) ranges."""
    out = []
    for cp in cps:
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def main():
    single, special, ignorable, cased = [], [], [], []
    for c in code_points():
        ch = chr(c)
        low = ch.lower()
        if low != ch:
            if len(low) == 1:
                single.append((c, ord(low) - c))
            else:
                special.append((c, [ord(x) for x in low]))
        x1 = (ch + SIGMA).lower()[-1] == FINAL
        x2 = ("A" + SIGMA + ch).lower()[1] == FINAL
        x3 = ("A" + ch + SIGMA).lower()[-1] == FINAL
        if x2 and x3:
            ignorable.append(c)
        elif x1:
            cased.append(c)

    # A run must not swallow a code point with a different mapping.
    rr = runs(single)
    mapped = dict(single)
    for lo, hi, d, stride in rr:
        for c in range(lo, hi + 1):
            if (c - lo) % stride == 0:
                assert mapped.get(c) == d, hex(c)
            else:
                assert c not in mapped, hex(c)
    assert all(len(v) <= 3 for _, v in special)

    w = sys.stdout.write
    w(banner("pycompat_lower.h", "str.lower() tables for pycompat.c", "gen_lower.py"))
    w("struct lower_range {\n\tuint32_t\t lo, hi;\t/* inclusive */\n"
      "\tint32_t\t\t delta;\t\t/* added to the code point */\n"
      "\tuint32_t\t stride;\t/* 1, or 2 for alternating upper/lower */\n};\n\n")
    w("struct lower_special {\n\tuint32_t\t cp;\n\tuint32_t\t n;\n"
      "\tuint32_t\t to[3];\n};\n\n")
    w("struct cp_range {\n\tuint32_t\t lo, hi;\t/* inclusive */\n};\n\n")

    w("static const struct lower_range lower_ranges[] = {\n")
    for lo, hi, d, stride in rr:
        w("\t{ 0x%05x, 0x%05x, %d, %d },\n" % (lo, hi, d, stride))
    w("};\n\n")

    w("static const struct lower_special lower_special[] = {\n")
    for c, v in special:
        v3 = v + [0] * (3 - len(v))
        w("\t{ 0x%05x, %d, { %s } },\n" % (c, len(v),
                                           ", ".join("0x%05x" % x for x in v3)))
    w("};\n\n")

    for name, cps in (("case_ignorable", ignorable), ("cased", cased)):
        w("static const struct cp_range %s[] = {\n" % name)
        for lo, hi in ranges(cps):
            w("\t{ 0x%05x, 0x%05x },\n" % (lo, hi))
        w("};\n\n")
    sys.stderr.write("%d runs (%d mappings), %d special, %d+%d ranges\n" % (
        len(rr), len(single), len(special), len(ranges(ignorable)),
        len(ranges(cased))))


if __name__ == "__main__":
    main()
