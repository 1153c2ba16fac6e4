"""The binaries as plain CGI programs, without a web server: what a shared
host's CGI runner does (environment in, one request, response on stdout),
and the start-up checks every binary makes."""
import os
import subprocess

import harness

BIN = os.path.join(harness.BUILD, 'cgi-bin')


def cgi(name, env, body=b'', extra_env=None):
    e = {'PATH': '/usr/bin:/bin', 'GATEWAY_INTERFACE': 'CGI/1.1', 'SERVER_PROTOCOL': 'HTTP/1.1',
         'JWTAUTH_CONFIG': '/nonexistent-dir/none.conf'}
    for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LD_LIBRARY_PATH'):
        if k in os.environ:
            e[k] = os.environ[k]
    e.update(env)
    e.update(extra_env or {})
    p = subprocess.run([os.path.join(BIN, 'jwtauth-' + name)], input=body, env=e, capture_output=True, timeout=60)
    head, _, payload = p.stdout.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    status = int(lines[0].split()[1]) if lines and lines[0].startswith('Status:') else None
    headers = dict(l.split(': ', 1) for l in lines[1:] if ': ' in l)
    if status is not None:
        harness.record_answer(e['REQUEST_METHOD'], e['REQUEST_URI'], status, list(headers.items()), payload)
    return p.returncode, status, headers, payload, p.stderr.decode('utf-8', 'replace')


def run(t):
    cfgfile = os.path.join('/tmp', 'jwtauth-cgi-%d.conf' % os.getpid())
    with open(cfgfile, 'w') as fh:
        fh.write('[jwtauth]\nsecret_key = %s\npassword_hash_cost = 1\n[db]\nsocket = /nonexistent/mysqld.sock\n'
                 '[password]\nenforce_hash_cost = 0\n' % harness.SECRET)
    base = {'JWTAUTH_CONFIG': cfgfile, 'REQUEST_URI': '/api/user/register/', 'QUERY_STRING': ''}
    prof = {'REQUEST_URI': '/api/user/profile/'}
    try:
        rc, st, h, body, err = cgi('register', {**base, 'REQUEST_METHOD': 'FOO'})
        t.eq((rc, st), (0, 405), 'CGI: unknown method FOO -> 405')
        t.eq(body, b'{"errors": {"detail": "Method \\"FOO\\" not allowed."}}', 'CGI: 405 body')
        t.eq(h.get('Allow'), 'POST, OPTIONS', 'CGI: Allow header')
        rc, st, h, body, err = cgi('register', {**base, 'REQUEST_METHOD': 'OPTIONS'})
        t.eq(st, 200, 'CGI: OPTIONS metadata without a database')
        good = b'{"email": "a@example.com", "password": "x"}   '
        rc, st, h, body, err = cgi('login', {**base, 'REQUEST_URI': '/api/user/login/', 'REQUEST_METHOD': 'POST',
                                             'CONTENT_TYPE': 'application/json', 'CONTENT_LENGTH': str(len(good))},
                                   body=good + b'TRAILING GARBAGE')
        t.eq(st, 503, 'CGI: database down -> 503 (and only CONTENT_LENGTH bytes were read)')
        t.ok(b'Service temporarily unavailable' in body, 'CGI: 503 body', body)
        rc, st, h, body, err = cgi('login', {**base, 'REQUEST_URI': '/api/user/login/', 'REQUEST_METHOD': 'POST',
                                             'CONTENT_TYPE': 'application/json', 'CONTENT_LENGTH': '100'},
                                   body=b'{"email": 1}')
        t.ok(st == 400 and rc == 0, 'CGI: body shorter than CONTENT_LENGTH -> 400', (st, body))
        rc, st, h, body, err = cgi('reset-password', {**base, 'REQUEST_METHOD': 'POST',
                                   'REQUEST_URI': '/api/user/reset-password/%FF%FE/abc-def/',
                                   'CONTENT_TYPE': 'application/json', 'CONTENT_LENGTH': '37'},
                                   body=b'{"password": "a1", "password2": "a1"}')
        t.eq((st, body), (400, b'{"errors": {"non_field_errors": ["token may be expired or invalid!"]}}'),
             'CGI: a uid that is not UTF-8 is an invalid token (no database needed)')
        for key, why in (('', 'missing'), ('short-key', 'short')):
            with open(cfgfile, 'w') as fh:
                fh.write('[jwtauth]\nsecret_key = %s\n' % key)
            rc, st, h, body, err = cgi('profile', {**base, **prof, 'REQUEST_METHOD': 'GET'})
            t.ok(rc != 0 and st is None and 'key' in err, 'start-up refused with a %s signing key' % why, err)
        rc, st, h, body, err = cgi('profile', {**base, **prof, 'REQUEST_METHOD': 'GET'},
                                   extra_env={'JWTAUTH_SECRET_KEY': 'k' * 32})
        t.eq(st, 401, 'JWTAUTH_SECRET_KEY overrides the file')
        # Shared hosting: without JWTAUTH_CONFIG the binary reads jwtauth.conf beside itself.
        import shutil
        import tempfile
        d = tempfile.mkdtemp(prefix='jwtauth-beside-')
        try:
            # The program itself: libtool's wrapper script in a shared build, or the binary
            # (./configure --enable-static-programs).
            real = os.path.join(BIN, '.libs', 'jwtauth-profile')
            shutil.copy(real if os.path.exists(real) else os.path.join(BIN, 'jwtauth-profile'), d)
            with open(os.path.join(d, 'jwtauth.conf'), 'w') as fh:
                fh.write('[jwtauth]\nsecret_key = %s\nbeside_marker = 1\n' % harness.SECRET)
            env = {k: v for k, v in os.environ.items() if k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS')}
            env.update({'PATH': '/usr/bin:/bin', 'REQUEST_METHOD': 'GET', 'REQUEST_URI': '/api/user/profile/',
                        'LD_LIBRARY_PATH': os.path.join(harness.BUILD, 'lib', '.libs')})
            p = subprocess.run([os.path.join(d, 'jwtauth-profile')], env=env, capture_output=True, timeout=60)
            err = p.stderr.decode('utf-8', 'replace')
            t.ok(p.returncode != 0 and os.path.join(d, 'jwtauth.conf') in err and 'beside_marker' in err,
                 'without JWTAUTH_CONFIG the jwtauth.conf beside the binary is read', err)
        finally:
            shutil.rmtree(d, ignore_errors=True)
        with open(cfgfile, 'w') as fh:
            fh.write('[jwtauth]\nsecret_key = %s\nbogus = 1\n' % harness.SECRET)
        rc, st, h, body, err = cgi('profile', {**base, **prof, 'REQUEST_METHOD': 'GET'})
        t.ok(rc != 0 and 'bogus' in err, 'an unknown configuration key is refused', err)
    finally:
        os.unlink(cfgfile)
