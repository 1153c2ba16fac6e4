#!/usr/bin/python3
"""
gen_digits.py - the table of Unicode decimal digits in lib/pyrt.c (what
int() reads as digits, py_int_parse), from the Python the original service
ran on.

Run with Debian 12's /usr/bin/python3 (CPython 3.11.2) from the top of the
tree:

	/usr/bin/python3 tools/gen/gen_digits.py lib/pyrt.c

The file is rewritten between its "BEGIN GENERATED digits" and "END
GENERATED digits" lines; a rerun with the same Python changes nothing.
"""
import sys


def replace_between(path, begin, end, body):
    with open(path) as f:
        text = f.read()
    i = text.index(begin)
    j = text.index(end, i)
    i = text.index("\n", i) + 1
    j = text.rindex("\n", 0, j) + 1
    text = text[:i] + body + text[j:]
    with open(path, "w") as f:
        f.write(text)


def digit_table():
    """Zeros of the runs of decimal digits, checked to be runs of ten."""
    zeros = []
    for c in range(0x110000):
        ch = chr(c)
        if ch.isdecimal() and int(ch) == 0:
            zeros.append(c)
            for d in range(10):
                assert chr(c + d).isdecimal() and int(chr(c + d)) == d
    n = sum(1 for c in range(0x110000) if chr(c).isdecimal())
    assert n == 10 * len(zeros)
    lines = []
    for i in range(0, len(zeros), 8):
        lines.append("\t" + " ".join("0x%04x," % z for z in zeros[i:i + 8]) + "\n")
    return "".join(lines)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_digits.py lib/pyrt.c")
    replace_between(sys.argv[1], "BEGIN GENERATED digits", "END GENERATED digits",
                    digit_table())


if __name__ == "__main__":
    main()
