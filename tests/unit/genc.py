"""C string literals for the vector generators (gen_*.py): octal escapes, so an
escape never runs on into the next character, and no '?' (no trigraphs)."""


def tokens(b):
    """The escaped pieces of bytes b (str is taken as UTF-8)."""
    if isinstance(b, str):
        b = b.encode()
    out = []
    for c in b:
        if c in (0x22, 0x5c):
            out.append('\\' + chr(c))
        elif 0x20 <= c < 0x7f and c != 0x3f:
            out.append(chr(c))
        else:
            out.append('\\%03o' % c)
    return out


def cstr(b):
    """A C string literal for bytes b; None gives NULL."""
    if b is None:
        return 'NULL'
    return '"%s"' % ''.join(tokens(b))


def cstr_wrapped(b, width=70, indent='\n\t    '):
    """cstr(b) cut into adjacent literals of about width characters."""
    lines, cur = [], ''
    for t in tokens(b):
        if len(cur) + len(t) > width:
            lines.append(cur)
            cur = ''
        cur += t
    lines.append(cur)
    return indent.join('"%s"' % x for x in lines)


def rewrite_generated(path, begin, parts, end="/* END GENERATED */\n"):
    """Replace what lies between the lines begin and end of file path by parts."""
    with open(path) as f:
        text = f.read()
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(head + begin + "".join(parts) + end + tail)
