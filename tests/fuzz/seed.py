#!/usr/bin/env python3
"""seed.py - the fuzz harnesses' seed corpora, made from the unit tests' vectors.

    tests/fuzz/seed.py SRCDIR OUTDIR [NAME...]

Reads the string literals of tests/unit/t_*.c (adjacent literals joined, C
escapes decoded) and writes, for each harness NAME (default: all), the
inputs of OUTDIR/NAME/ in that harness's input format (see the comment at
the top of tests/fuzz/fuzz_NAME.c), one file per input named by its SHA-1
as libFuzzer names its own.  Only the standard library: any python3 runs it.
"""
import hashlib
import os
import re
import sys

MAXLEN = 65536 + 1024

TOKEN = re.compile(rb'''
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<pre>^[ \t]*\#[^\n]*)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<chr>'(?:[^'\\\n]|\\.)*')
  | (?P<num>[0-9][0-9A-Za-z_.]*)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<ws>\s+)
  | (?P<punct>.)
''', re.S | re.M | re.X)

ESC = {b'n': b'\n', b't': b'\t', b'r': b'\r', b'0': b'\0', b'\\': b'\\', b'"': b'"',
       b"'": b"'", b'a': b'\a', b'b': b'\b', b'f': b'\f', b'v': b'\v', b'?': b'?'}


def unescape(lit):
    """The bytes of one C string literal's body (between the quotes)."""
    out, i = bytearray(), 0
    while i < len(lit):
        c = lit[i:i + 1]
        if c != b'\\':
            out += c
            i += 1
            continue
        n = lit[i + 1:i + 2]
        if n == b'x':
            m = re.match(rb'[0-9A-Fa-f]+', lit[i + 2:])
            out.append(int(m.group(0), 16) & 0xff)
            i += 2 + len(m.group(0))
        elif n in b'01234567' and n:
            m = re.match(rb'[0-7]{1,3}', lit[i + 1:])
            out.append(int(m.group(0), 8) & 0xff)
            i += 1 + len(m.group(0))
        else:
            out += ESC.get(n, n)
            i += 2
    return bytes(out)


def tokens(path):
    """The file's tokens: ('str', bytes) for joined literals, else (kind, text)."""
    with open(path, 'rb') as f:
        src = f.read()
    toks = []
    for m in TOKEN.finditer(src):
        kind = m.lastgroup
        if kind in ('comment', 'ws', 'pre'):
            continue
        if kind == 'str':
            s = unescape(m.group(0)[1:-1])
            if toks and toks[-1][0] == 'str':
                toks[-1] = ('str', toks[-1][1] + s)
            else:
                toks.append(('str', s))
        else:
            toks.append((kind, m.group(0).decode('latin-1')))
    return toks


def strings(src, *names):
    out = []
    for n in names:
        out += [t[1] for t in tokens(os.path.join(src, 'tests', 'unit', n)) if t[0] == 'str']
    return [s for s in out if b'%' not in s or b'%s' not in s]


def form_cases(src):
    """t_form.c's cases: (content type or None, body)."""
    toks = tokens(os.path.join(src, 'tests', 'unit', 't_form.c'))
    out = []
    for i in range(len(toks) - 12):
        if not (toks[i] == ('punct', '{') and toks[i + 1][0] == 'str' and
                toks[i + 2] == ('punct', ',') and toks[i + 4] == ('punct', ',') and
                toks[i + 5] == ('punct', '(') and toks[i + 7] == ('id', 'struct') and
                toks[i + 8] == ('id', 'seg')):
            continue
        ct = toks[i + 3][1] if toks[i + 3][0] == 'str' else None
        j, body = i + 13, b''
        while toks[j] == ('punct', '{'):
            s, reps = toks[j + 1][1], int(toks[j + 5][1].rstrip('uUlL'), 0)
            body += s * min(reps, MAXLEN // max(len(s), 1) + 1)
            j += 8
        out.append((ct, body[:MAXLEN]))
    return out


def app_rows(src):
    """t_app.c's rows: (environment lines, body or None)."""
    toks = tokens(os.path.join(src, 'tests', 'unit', 't_app.c'))
    paths = {b'/api/t/': b'/api/user/register/', b'/api/j/': b'/api/token/verify/',
             b'/api/r/': b'/api/user/reset-password/'}
    out = []
    for i in range(len(toks) - 8):
        if not (toks[i] == ('punct', '{') and toks[i + 1][0] == 'str' and
                toks[i + 3] == ('punct', '&') and toks[i + 6] == ('punct', '{')):
            continue
        j, env = i + 7, []
        while toks[j][0] in ('str', 'id') or toks[j] == ('punct', ','):
            if toks[j][0] == 'str':
                env.append(toks[j][1])
            elif toks[j][0] == 'id' and toks[j][1] in MACROS:
                env.append(MACROS[toks[j][1]])
            j += 1
        if toks[j] != ('punct', '}'):
            continue
        body = toks[j + 2][1] if toks[j + 2][0] == 'str' else None
        fixed = []
        for e in env:
            for a, b in paths.items():
                e = e.replace(a, b)
            fixed.append(e)
        out.append((fixed, body))
    return out


MACROS = {'JSON': b'CONTENT_TYPE=application/json',
          'ORIGIN': b'HTTP_ORIGIN=http://localhost:3000'}


def seeds_body(src):
    for ct, body in form_cases(src):
        if ct is None:
            ct = b''
        yield ct.replace(b'\n', b' ') + b'\n' + body


def seeds_header(src):
    for s in strings(src, 't_mime.c', 't_route.c'):
        if b'\n' in s or len(s) > 4096:
            continue
        yield s
        if b'/' in s:
            yield s + b'\nformat=json'


def seeds_auth(src):
    for s in strings(src, 't_token.c', 't_auth.c', 't_http.c'):
        if s.count(b'.') == 2 and s.startswith(b'eyJ'):
            yield s
            yield b'Bearer ' + s
        elif b'Bearer' in s or len(s) < 40:
            yield s


def seeds_resettoken(src):
    ss = strings(src, 't_resettoken.c')
    uids = [s for s in ss if re.fullmatch(rb'[A-Za-z0-9_=!-]{0,40}', s) and b'-' not in s[1:3]][:20]
    toks = [s for s in ss if re.fullmatch(rb'[0-9a-z]{1,13}-[0-9a-f]{1,64}', s)]
    for u in uids:
        for t in toks:
            yield u + b'\n' + t
        yield u + b'\n'


def seeds_email(src):
    for s in strings(src, 't_email.c', 't_field.c'):
        if len(s) <= 4096:
            yield s


def seeds_cors(src):
    ss = [s for s in strings(src, 't_cors.c') if b'\n' not in s]
    origins = b'\n'.join(s for s in ss if b'://' in s or s == b'null')
    for s in ss:
        yield s
        yield s + b'\n' + origins


def seeds_cgi(src):
    for env, body in app_rows(src):
        yield b'\n'.join(e.replace(b'\n', b' ') for e in env) + b'\n\n' + (body or b'')
    # t_form.c's bodies posted to the register-like endpoint (fields name, email, tc).
    for ct, body in form_cases(src)[::4]:
        env = [b'REQUEST_METHOD=POST', b'REQUEST_URI=/api/user/register/']
        if ct is not None:
            env.append(b'CONTENT_TYPE=' + ct.replace(b'\n', b' '))
        yield b'\n'.join(env) + b'\n\n' + body


def seeds_cfg(src):
    for s in strings(src, 't_cfg.c', 't_token.c', 't_resettoken.c', 't_throttle.c'):
        if b'=' in s and (b'\n' in s or s.startswith(b'JWTAUTH_')):
            yield s if not s.startswith(b'JWTAUTH_') else b'\0' + s
    with open(os.path.join(src, 'jwtauth.conf.example'), 'rb') as f:
        yield f.read()


def seeds_client(src):
    ss = [s for s in strings(src, 't_client.c') if b'\n' not in s and len(s) < 200]
    for s in ss:
        yield b'127.0.0.1\n' + s + b'\n'
        yield s + b'\n1.2.3.4, ' + s + b'\n10.0.0.0/8\n' + s


def seeds_route(src):
    ss = strings(src, 't_route.c', 't_http.c')
    for s in ss:
        if s.startswith(b'/') or s.startswith(b'%'):
            yield s.replace(b'\n', b'%0A')
            yield s.replace(b'\n', b'%0A') + b'\nnext=%2F&a=%E9'


SEEDS = {n[len('seeds_'):]: f for n, f in globals().items() if n.startswith('seeds_')}


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    src, out, names = argv[1], argv[2], argv[3:] or sorted(SEEDS)
    for name in names:
        if name not in SEEDS:
            sys.exit('seed.py: no harness %s (%s)' % (name, ' '.join(sorted(SEEDS))))
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        n = 0
        for data in SEEDS[name](src):
            data = data[:MAXLEN]
            p = os.path.join(d, hashlib.sha1(data).hexdigest())
            if not os.path.exists(p):
                with open(p, 'wb') as f:
                    f.write(data)
                n += 1
        print('seed.py: %s: %d inputs' % (name, len(os.listdir(d))))


if __name__ == '__main__':
    main(sys.argv)
