#!/usr/bin/env python3
"""Differential check: send the same requests to the original (tools/reference/run,
default http://127.0.0.1:8090) and to jwtauth (default http://127.0.0.1:8000) and
print every difference in status, selected headers or body.  JWTs, user ids and the
per-run e-mail tag are normalised.  A developer's tool, not a test.

    tools/diffcheck.py [--ref URL] [--new URL] [-k SUBSTRING]
"""
import argparse
import http.client
import json
import random
import re
import sys
import urllib.parse

HDRS = ('content-type', 'allow', 'vary', 'www-authenticate', 'location', 'x-frame-options',
        'x-content-type-options', 'referrer-policy', 'access-control-allow-origin',
        'access-control-allow-headers', 'access-control-allow-methods', 'access-control-max-age')
JWT = re.compile(r'eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*')
RUN = '%08d' % random.randrange(10 ** 8)


def send(base, method, path, body=None, headers=None):
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.putrequest(method, path, skip_accept_encoding=True)
    h = dict(headers or {})
    if body is not None:
        h.setdefault('Content-Length', str(len(body)))
    for k, v in h.items():
        c.putheader(k, v)
    c.endheaders(body)
    r = c.getresponse()
    data = r.read()
    hd = {k.lower(): v for k, v in r.getheaders() if k.lower() in HDRS}
    c.close()
    return r.status, hd, data


def norm(data):
    t = data.decode('utf-8', 'replace')
    t = JWT.sub('<JWT>', t)
    t = re.sub(r'"id": \d+', '"id": <id>', t)
    return t


def cases():
    e = lambda tag: '%s.%s@example.com' % (tag, RUN)
    J = {'Content-Type': 'application/json'}
    F = {'Content-Type': 'application/x-www-form-urlencoded'}
    reg = lambda **kw: json.dumps({'email': e('r'), 'name': 'N', 'password': 'pw', 'password2': 'pw', 'tc': True, **kw}).encode()
    yield 'register name int', 'POST', '/api/user/register/', json.dumps({'email': 'bad', 'name': 12, 'password': 1.5, 'password2': 1e400, 'tc': True}).encode(), J
    yield 'register dup keys', 'POST', '/api/user/register/', b'{"email": "x", "email": "y@", "tc": "on", "tc": "nope"}', J
    yield 'register latin1', 'POST', '/api/user/register/', '{"email": "é"}'.encode('latin-1'), {'Content-Type': 'application/json; charset=latin-1'}
    yield 'register utf16', 'POST', '/api/user/register/', '{"email": "x"}'.encode('utf-16'), {'Content-Type': 'application/json; charset=utf-16'}
    yield 'register form repeated', 'POST', '/api/user/register/', b'email=a&email=b%40c&tc=1&tc=', F
    yield 'register form no eq', 'POST', '/api/user/register/', b'email&name&password=&tc', F
    yield 'register form pct', 'POST', '/api/user/register/', b'email=%ZZ%41&name=%e9&password=%C3%A9', F
    yield 'register ct star', 'POST', '/api/user/register/', b'{}', {'Content-Type': '*/*'}
    yield 'register ct params', 'POST', '/api/user/register/', b'{}', {'Content-Type': 'application/json; q=1; x="y"'}
    yield 'register ct upper', 'POST', '/api/user/register/', b'{}', {'Content-Type': 'APPLICATION/JSON'}
    yield 'register ct multipart nobody', 'POST', '/api/user/register/', b'--x--', {'Content-Type': 'multipart/form-data; boundary=x'}
    yield 'register ct multipart bad bnd', 'POST', '/api/user/register/', b'--x--', {'Content-Type': 'multipart/form-data; boundary="a b "'}
    yield 'register empty ct', 'POST', '/api/user/register/', b'{}', {'Content-Type': ''}
    yield 'register accept json indent', 'POST', '/api/user/register/', b'{}', {**J, 'Accept': 'application/json; indent=4'}
    yield 'register accept empty', 'POST', '/api/user/register/', b'{}', {**J, 'Accept': ''}
    yield 'register accept xml', 'POST', '/api/user/register/', b'{}', {**J, 'Accept': 'application/xml'}
    yield 'register accept star q0', 'POST', '/api/user/register/', b'{}', {**J, 'Accept': '*/*;q=0'}
    yield 'register format json', 'POST', '/api/user/register/?format=json', b'{}', J
    yield 'register format api', 'POST', '/api/user/register/?format=api', b'{}', J
    yield 'register format empty', 'POST', '/api/user/register/?format=', b'{}', J
    yield 'register format twice', 'POST', '/api/user/register/?format=xml&format=json', b'{}', J
    yield 'refresh format api', 'POST', '/api/user/token/refresh/?format=xml', b'{}', J
    yield 'refresh accept xml', 'POST', '/api/user/token/refresh/', b'{}', {**J, 'Accept': 'application/xml'}
    yield 'refresh indent 2', 'POST', '/api/user/token/refresh/', b'{}', {**J, 'Accept': 'application/json; indent=2'}
    yield 'refresh indent 20', 'POST', '/api/user/token/refresh/', b'{"refresh": 5}', {**J, 'Accept': 'application/json; indent=20'}
    yield 'refresh form', 'POST', '/api/user/token/refresh/', b'refresh=', F
    yield 'refresh list', 'POST', '/api/user/token/refresh/', b'[]', J
    yield 'refresh null', 'POST', '/api/user/token/refresh/', b'null', J
    yield 'verify int', 'POST', '/api/user/token/verify/', b'{"token": 12}', J
    yield 'verify spaces', 'POST', '/api/user/token/verify/', b'{"token": "   "}', J
    yield 'verify head', 'HEAD', '/api/user/token/verify/', None, {}
    yield 'verify options origin', 'OPTIONS', '/api/user/token/verify/', None, {'Origin': 'http://localhost:3000'}
    yield 'login bearer garbage', 'POST', '/api/user/login/', b'{}', {**J, 'Authorization': 'Bearer x'}
    yield 'login bearer empty parts', 'POST', '/api/user/login/', b'{}', {**J, 'Authorization': 'Bearer  '}
    yield 'login auth token scheme', 'POST', '/api/user/login/', b'{}', {**J, 'Authorization': 'Token x'}
    yield 'login email trailing dot', 'POST', '/api/user/login/', b'{"email": "a@b.com.", "password": "x"}', J
    yield 'login email idn', 'POST', '/api/user/login/', json.dumps({'email': 'a@ex\u00e4mple.com', 'password': 'x'}).encode(), J
    yield 'login email quoted', 'POST', '/api/user/login/', b'{"email": "\\"a b\\"@example.com", "password": "x"}', J
    yield 'login email ip', 'POST', '/api/user/login/', b'{"email": "a@[127.0.0.1]", "password": "x"}', J
    yield 'login email localhost', 'POST', '/api/user/login/', b'{"email": "a@localhost", "password": "x"}', J
    yield 'login pw spaces', 'POST', '/api/user/login/', b'{"email": "a@example.com", "password": "   "}', J
    yield 'login extra fields', 'POST', '/api/user/login/', b'{"email": "a@example.com", "password": "x", "z": [1]}', J
    yield 'profile head noauth', 'HEAD', '/api/user/profile/', None, {}
    yield 'profile get body', 'GET', '/api/user/profile/', b'{}', J
    yield 'profile slashless', 'GET', '/api/user/profile?x=%20y', None, {}
    yield 'profile options preflight noorigin', 'OPTIONS', '/api/user/profile/', None, {'Access-Control-Request-Method': 'GET'}
    yield 'preflight origin trailing slash', 'OPTIONS', '/api/user/login/', None, {'Origin': 'http://localhost:3000/', 'Access-Control-Request-Method': 'POST'}
    yield 'preflight origin empty', 'OPTIONS', '/api/user/login/', None, {'Origin': '', 'Access-Control-Request-Method': 'POST'}
    yield 'preflight bad ipv6', 'OPTIONS', '/api/user/login/', None, {'Origin': 'http://[::1', 'Access-Control-Request-Method': 'POST'}
    yield 'preflight unknown path', 'OPTIONS', '/api/user/register', None, {'Origin': 'http://localhost:3000', 'Access-Control-Request-Method': 'POST'}
    yield 'reset slashless', 'POST', '/api/user/reset-password/a/b', b'{}', J
    yield 'reset validation', 'POST', '/api/user/reset-password/a/b/', b'{"password": "x", "password2": "y"}', J
    yield 'reset garbage ok pw', 'POST', '/api/user/reset-password/MQ/zz-00/', b'{"password": "x", "password2": "x"}', J
    yield 'reset padded uid', 'POST', '/api/user/reset-password/MQ==/zz-00/', b'{"password": "x", "password2": "x"}', J
    yield 'send reset unknown', 'POST', '/api/user/send-reset-password-email/', json.dumps({'email': e('nobody')}).encode(), J
    yield 'send reset form', 'POST', '/api/user/send-reset-password-email/', b'email=', F
    yield 'change noauth', 'POST', '/api/user/changepassword/', b'{}', J
    yield 'change options', 'OPTIONS', '/api/user/changepassword/', None, {}
    for path in ('/api/user//register/', '/api/user/register//', '/API/user/register/', '/api/user/./register/',
                 '/api/user/x/../register/', '/api/user/register/?', '/api/user/register?', '/api/user/login%2F',
                 '/api/user/token/refresh', '/api/user/reset-password/a/b/c/', '/api/user/reset-password/a/',
                 '/api/user/reset-password//b/', '/api/user/profile/?format=json&format=', '/api/user/register/.'):
        yield 'path %s' % path, 'POST', path, b'{}', J
    yield 'register tc float', 'POST', '/api/user/register/', reg(tc=1.0000000000000002), J
    yield 'register tc -0.0', 'POST', '/api/user/register/', reg(email='bad', tc=-0.0), J
    yield 'register name nul', 'POST', '/api/user/register/', reg(email='bad', name='a\u0000'), J
    yield 'register long name unicode', 'POST', '/api/user/register/', reg(email='bad', name='\U0001F600' * 201), J


def b64url(b):
    import base64
    return base64.urlsafe_b64encode(b).rstrip(b'=').decode()


def forge(secret, payload, header=None):
    import hashlib
    import hmac
    h = b64url(json.dumps(header or {'alg': 'HS256', 'typ': 'JWT'}, separators=(',', ':')).encode())
    p = b64url(json.dumps(payload, separators=(',', ':')).encode())
    sig = b64url(hmac.new(secret.encode(), ('%s.%s' % (h, p)).encode(), hashlib.sha256).digest())
    return '%s.%s.%s' % (h, p, sig)


def flows():
    """Stateful flows: fn(send, secret, tag) -> list of (status, headers, body)."""
    import time
    import uuid
    J = {'Content-Type': 'application/json'}

    def reg(send, tag, **kw):
        body = {'email': 'f%s.%s@example.com' % (tag, RUN), 'name': 'Flow', 'password': 'pw-1',
                'password2': 'pw-1', 'tc': True}
        body.update(kw)
        r = send('POST', '/api/user/register/', json.dumps(body).encode(), J)
        return r, json.loads(r[2]) if r[0] == 201 else {}

    def f_tokens(send, secret, tag):
        out = []
        r, tok = reg(send, tag + 'a')
        out.append(r)
        a = {'Authorization': 'Bearer ' + tok['access']}
        uid = json.loads(__import__('base64').urlsafe_b64decode(tok['access'].split('.')[1] + '==='))['user_id']
        now = int(time.time())
        for hdr in (a, {'Authorization': 'Bearer ' + tok['access'] + ' '}, {'Authorization': '  Bearer   ' + tok['access']},
                    {'Authorization': 'Bearer ' + tok['access'], 'Accept': 'application/json; indent=4'}):
            out.append(send('GET', '/api/user/profile/', None, hdr))
        out.append(send('OPTIONS', '/api/user/profile/', None, a))
        out.append(send('HEAD', '/api/user/profile/', None, a))
        for claims in ({'token_type': 'access', 'exp': now + 100, 'jti': 'x', 'user_id': uid},
                       {'token_type': 'access', 'exp': now + 100.5, 'jti': 1, 'user_id': str(uid)},
                       {'token_type': 'access', 'exp': now + 100, 'iat': now - 10, 'nbf': now - 1, 'jti': None, 'user_id': uid},
                       {'token_type': 'access', 'exp': now + 100, 'jti': 'x', 'user_id': uid, 'aud': 'someone'},
                       {'token_type': 'access', 'exp': now + 100, 'jti': 'x', 'user_id': 0},
                       {'token_type': 'access', 'exp': now + 100, 'jti': 'x', 'user_id': -5},
                       {'token_type': 'access', 'exp': now + 100, 'jti': 'x', 'user_id': ''},
                       {'token_type': 'access', 'exp': now + 100, 'jti': 'x', 'user_id': '%d.0' % uid},
                       {'token_type': 'access', 'exp': now + 100, 'jti': 'x', 'user_id': uid + 0.5},
                       {'token_type': 'access', 'exp': now + 100, 'iat': now + 30, 'jti': 'x', 'user_id': uid},
                       {'token_type': 'access', 'exp': now + 100, 'nbf': now + 30, 'jti': 'x', 'user_id': uid}):
            out.append(send('GET', '/api/user/profile/', None, {'Authorization': 'Bearer ' + forge(secret, claims)}))
        rt = forge(secret, {'token_type': 'refresh', 'exp': now + 100, 'iat': now - 50, 'jti': 'x', 'user_id': str(uid), 'x': [1]})
        r = send('POST', '/api/user/token/refresh/', json.dumps({'refresh': rt}).encode(), J)
        out.append((r[0], r[1], b'<access>' if r[0] == 200 else r[2]))
        if r[0] == 200:
            acc = json.loads(r[2])['access']
            p = json.loads(__import__('base64').urlsafe_b64decode(acc.split('.')[1] + '==='))
            out.append((0, {}, json.dumps({k: (v if k not in ('exp', 'jti') else '*') for k, v in sorted(p.items())}).encode()))
        for rt in (forge(secret, {'token_type': 'refresh', 'exp': now + 100, 'jti': 'x'}),
                   forge(secret, {'token_type': 'refresh', 'exp': now + 100, 'jti': 'x', 'user_id': 0}),
                   forge(secret, {'token_type': 'refresh', 'exp': now + 100, 'jti': 'x', 'user_id': 'zz'})):
            r = send('POST', '/api/user/token/refresh/', json.dumps({'refresh': rt}).encode(), J)
            out.append((r[0], r[1], b'<access>' if r[0] == 200 else r[2]))
        out.append(send('POST', '/api/user/token/verify/', json.dumps({'token': ' ' + tok['refresh'] + '\n'}).encode(), J))
        out.append(send('POST', '/api/user/changepassword/', b'password=a&password2=a', {**a, 'Content-Type': 'application/x-www-form-urlencoded'}))
        out.append(send('POST', '/api/user/changepassword/', b'', a))
        out.append(send('POST', '/api/user/changepassword/', b'{"password": "x", "password2": "x"}', {**a, **J, 'Accept': 'text/html'}))
        return out

    def f_multipart(send, secret, tag):
        b = 'XyZ'
        body = ('--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\nm%s.%s@example.com\r\n'
                '--XyZ\r\nContent-Disposition: form-data; name="name"; filename="n.txt"\r\nContent-Type: text/plain\r\n\r\nfile\r\n'
                '--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\np\r\n'
                '--XyZ\r\nContent-Disposition: form-data; name="password2"\r\n\r\np\r\n--XyZ--\r\n') % (tag, RUN)
        return [send('POST', '/api/user/register/', body.encode(), {'Content-Type': 'multipart/form-data; boundary=' + b})]

    def f_login_case(send, secret, tag):
        r, tok = reg(send, tag + 'C', email='MiXed.%s.%s@ExAmPle.COM' % (tag, RUN))
        out = [r]
        for e in ('mixed.%s.%s@example.com' % (tag, RUN), 'MIXED.%s.%s@EXAMPLE.COM' % (tag, RUN)):
            x = send('POST', '/api/user/login/', json.dumps({'email': ' ' + e + ' ', 'password': ' pw-1 '}).encode(), J)
            out.append((x[0], x[1], b'<tokens>' if x[0] == 200 else x[2]))
        out.append(send('POST', '/api/user/send-reset-password-email/', json.dumps({'email': 'MIXED.%s.%s@example.com' % (tag, RUN)}).encode(), J))
        out.append(send('POST', '/api/user/register/', json.dumps({'email': 'mixed.%s.%s@example.COM' % (tag, RUN), 'name': 'x', 'password': 'a', 'password2': 'b', 'tc': 'x'}).encode(), J))
        return out

    yield 'tokens', f_tokens
    yield 'multipart file field', f_multipart
    yield 'login case', f_login_case


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ref', default='http://127.0.0.1:8090')
    ap.add_argument('--new', default='http://127.0.0.1:8000')
    ap.add_argument('-k', default=None)
    ap.add_argument('--ref-secret', default='var/reference/secret')
    ap.add_argument('--new-secret', default='var/secret_key')
    a = ap.parse_args()
    diffs = 0
    for name, m, path, body, hdrs in cases():
        if a.k and a.k not in name:
            continue
        r1 = send(a.ref, m, path, body, hdrs)
        r2 = send(a.new, m, path, body, hdrs)
        problems = []
        if r1[0] != r2[0]:
            problems.append('status %s vs %s' % (r1[0], r2[0]))
        for h in HDRS:
            if r1[1].get(h) != r2[1].get(h):
                problems.append('%s: %r vs %r' % (h, r1[1].get(h), r2[1].get(h)))
        b1, b2 = norm(r1[2]), norm(r2[2])
        if b1 != b2 and not (r1[0] == 404 and r2[0] == 404):
            problems.append('body:\n    ref %s\n    new %s' % (b1[:400], b2[:400]))
        if problems:
            diffs += 1
            print('DIFF %s (%s %s)' % (name, m, path))
            for p in problems:
                print('  ' + p)
    secrets = {a.ref: open(a.ref_secret).read().strip(), a.new: open(a.new_secret).read().strip()}
    for name, fn in flows():
        if a.k and a.k not in name:
            continue
        tag = '%04d' % random.randrange(10000)
        o1 = fn(lambda *x: send(a.ref, *x), secrets[a.ref], tag)
        o2 = fn(lambda *x: send(a.new, *x), secrets[a.new], tag)
        for i, (x, y) in enumerate(zip(o1, o2)):
            probs = []
            if x[0] != y[0]:
                probs.append('status %s vs %s' % (x[0], y[0]))
            for h in HDRS:
                if x[1].get(h) != y[1].get(h):
                    probs.append('%s: %r vs %r' % (h, x[1].get(h), y[1].get(h)))
            if norm(x[2]) != norm(y[2]):
                probs.append('body:\n    ref %s\n    new %s' % (norm(x[2])[:400], norm(y[2])[:400]))
            if probs:
                diffs += 1
                print('DIFF flow %s step %d' % (name, i))
                for p in probs:
                    print('  ' + p)
    print('%d differences' % diffs)
    return 1 if diffs else 0


if __name__ == '__main__':
    sys.exit(main())
