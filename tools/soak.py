#!/usr/bin/env python3
"""The soak of `./dev soak`: a long mixed load on a running front end, watching
every endpoint worker's memory and file descriptors.

    soak.py --base URL --root-pid PID --config FILE --db-cmd CMD --mail-dir DIR
            --state DIR --out DIR [--requests N] [--every N] [--threads N] [--server NAME]

Sends N requests (default 1,000,000) with wrk and tools/soak.lua, in rounds of
--every (default 100,000; N/10 when N is below a million): a weighted mix of
every endpoint of endpoints.list, valid and invalid (see KINDS), plus, each round,
the one-time successes wrk cannot repeat (logout, blacklist, a reset by mail)
sent here.  First every kind of request, and each of those one-time successes, is
sent 8 at a time (so that every worker has served one: see warm_up).  Before the first round and after each one it samples, for each
endpoint worker below --root-pid (processes named jwtauth-*), VmRSS from
/proc/PID/status and the number of entries of /proc/PID/fd.

Verdict: every worker alive from the first sample after warm-up (the end of the
first round) to the last grew by at most 1 MiB of RSS (--rss-slack-kib) and its fd
count did not change; no worker was replaced (a pid that vanished, e.g. a crash
the web server restarted, is reported with the sample it vanished in); no 5xx
answer; every kind of request got only the statuses it must get; no crash in the
web server's logs (below --state).  Prints "soak: ok", else "soak: FAILED" and
why, and exits 1.  The report and the samples go to --out (soak-STAMP.txt and
soak-STAMP.json).  Standard library only (tools/frontend.py for the process tree).
"""
import argparse
import base64
import configparser
import hashlib
import hmac
import http.client
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import Client as BenchClient, read_links as bench_read_links, run_wrk as bench_run_wrk  # noqa: E402
from frontend import descendants  # noqa: E402

LUA = os.path.join(HERE, 'soak.lua')
DOMAIN = 'soak.example.com'
PASSWORD = 'soak-pass-1'
JSON = 'Content-Type: application/json'


def out(msg, fh=None):
    print(msg, flush=True)
    if fh is not None:
        fh.write(msg + '\n')
        fh.flush()


class Client(BenchClient):
    """bench.py's client (one kept-alive connection), counting the answers by status."""

    def __init__(self, base):
        super().__init__(base)
        self.counts = {}

    def __call__(self, method, path, body=None, headers=None):
        st, data = super().__call__(method, path, body, headers)
        self.counts[st] = self.counts.get(st, 0) + 1
        return st, data

    def json(self, method, path, obj, token=None, want=200):
        h = {'Content-Type': 'application/json'}
        if token:
            h['Authorization'] = 'Bearer ' + token
        st, data = self(method, path, json.dumps(obj), h)
        if st != want:
            raise RuntimeError('%s %s: expected %d, got %d %s' % (method, path, want, st, data[:300]))
        return json.loads(data) if data else None


def sql(db_cmd, statement):
    p = subprocess.run(shlex.split(db_cmd) + ['-N', '-B', '-e', statement], capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError('SQL failed: %s: %s' % (statement[:200], p.stderr.strip()))
    return p.stdout


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def jwt(key, claims):
    """An HS256 token as simplejwt makes them."""
    head = b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}, separators=(',', ':')).encode())
    body = b64(json.dumps(claims, separators=(',', ':')).encode())
    sig = hmac.new(key.encode(), ('%s.%s' % (head, body)).encode(), hashlib.sha256).digest()
    return '%s.%s.%s' % (head, body, b64(sig))


def user_id(token):
    seg = token.split('.')[1]
    return json.loads(base64.urlsafe_b64decode(seg + '=' * (-len(seg) % 4)))['user_id']


def read_links(mail_dir):
    """{recipient: path} of the reset links in the mails of mail_dir, which are removed."""
    return {to: '/api/user/reset-password/%s/%s/' % link for to, link in bench_read_links(mail_dir).items()}


# ---------------------------------------------------------------- the mix
# (kind, weight of 10000, method, path, headers, body, statuses it may get).  Logins,
# registrations and password changes hash a password (tens of ms): 17 of 10000.
def kinds(u, key):
    now = int(time.time())
    a, adm = u['main']['access'], u['admin']['access']
    exp = jwt(key, {'token_type': 'access', 'exp': now - 60, 'iat': now - 400, 'jti': 'e' * 32,
                    'user_id': u['main']['id']})
    forged = jwt('f' * 48, {'token_type': 'access', 'exp': now + 3600, 'iat': now, 'jti': 'f' * 32,
                            'user_id': u['main']['id']})
    none_alg = '%s.%s.' % (b64(b'{"alg":"none","typ":"JWT"}'), forged.split('.')[1])
    ba = 'Authorization: Bearer '
    email, target = u['main']['email'], u['target']['id']
    pw2 = {'password': PASSWORD, 'password2': PASSWORD}
    j = json.dumps
    return [
        ('profile', 1100, 'GET', '/api/user/profile/', [ba + a], None, [200]),
        ('profile-no-token', 200, 'GET', '/api/user/profile/', [], None, [401]),
        ('profile-expired', 200, 'GET', '/api/user/profile/', [ba + exp], None, [401]),
        ('profile-forged', 200, 'GET', '/api/user/profile/', [ba + forged], None, [401]),
        ('profile-alg-none', 100, 'GET', '/api/user/profile/', [ba + none_alg], None, [401]),
        ('profile-garbage', 100, 'GET', '/api/user/profile/', [ba + 'abc.def'], None, [401]),
        ('profile-accept-xml', 100, 'GET', '/api/user/profile/', [ba + a, 'Accept: application/xml'],
         None, [406]),
        ('profile-delete', 100, 'DELETE', '/api/user/profile/', [ba + a], None, [405]),
        ('profile-no-slash', 100, 'GET', '/api/user/profile', [ba + a], None, [301]),
        ('verify', 800, 'POST', '/api/user/token/verify/', [JSON], j({'token': a}), [200]),
        ('verify-forged', 300, 'POST', '/api/user/token/verify/', [JSON], j({'token': forged}), [401]),
        ('verify-bad-json', 200, 'POST', '/api/user/token/verify/', [JSON], '{"token": "a', [400]),
        ('verify-get', 100, 'GET', '/api/user/token/verify/', [], None, [405]),
        ('refresh', 600, 'POST', '/api/user/token/refresh/', [JSON], j({'refresh': u['main']['refresh']}),
         [200]),
        ('refresh-access-token', 200, 'POST', '/api/user/token/refresh/', [JSON], j({'refresh': a}), [401]),
        ('refresh-missing', 100, 'POST', '/api/user/token/refresh/', [JSON], '{}', [400]),
        ('refresh-form', 100, 'POST', '/api/user/token/refresh/',
         ['Content-Type: application/x-www-form-urlencoded'], 'refresh=' + forged, [401]),
        ('preflight', 600, 'OPTIONS', '/api/user/login/',
         ['Origin: http://localhost:3000', 'Access-Control-Request-Method: POST',
          'Access-Control-Request-Headers: content-type'], None, [200]),
        ('preflight-foreign-origin', 200, 'OPTIONS', '/api/user/register/',
         ['Origin: http://evil.example', 'Access-Control-Request-Method: POST'], None, [200]),
        ('options-metadata', 100, 'OPTIONS', '/api/user/token/verify/', [], None, [200]),
        ('not-found', 400, 'GET', '/api/no/such/endpoint/', [], None, [404]),
        ('not-found-outside', 100, 'GET', '/no-such-file.html', [], None, [404]),
        ('register', 4, 'POST', '/api/user/register/', [JSON],
         j({'email': 'new.@@N@@@' + DOMAIN, 'name': 'Soak new', 'tc': True, **pw2}), [201]),
        ('register-taken', 200, 'POST', '/api/user/register/', [JSON],
         j({'email': email, 'name': 'Soak', 'tc': True, **pw2}), [400]),
        ('register-mismatch', 100, 'POST', '/api/user/register/', [JSON],
         j({'email': 'x.@@N@@@' + DOMAIN, 'name': 'S', 'tc': True, 'password': 'a', 'password2': 'b'}),
         [400]),
        ('register-bad-email', 100, 'POST', '/api/user/register/', [JSON],
         j({'email': 'not-an-email', 'name': 'S', 'tc': True, **pw2}), [400]),
        ('register-multipart-empty', 100, 'POST', '/api/user/register/',
         ['Content-Type: multipart/form-data; boundary=zz'], '--zz--', [400]),
        ('register-text-plain', 100, 'POST', '/api/user/register/', ['Content-Type: text/plain'],
         'hello', [415]),
        ('login', 3, 'POST', '/api/user/login/', [JSON], j({'email': email, 'password': PASSWORD}), [200]),
        ('login-wrong-password', 3, 'POST', '/api/user/login/', [JSON],
         j({'email': email, 'password': 'wrong-one'}), [404]),
        ('login-unknown', 3, 'POST', '/api/user/login/', [JSON],
         j({'email': 'nobody@' + DOMAIN, 'password': PASSWORD}), [404]),
        ('login-missing', 200, 'POST', '/api/user/login/', [JSON], j({'email': email}), [400]),
        ('login-huge-body', 10, 'POST', '/api/user/login/', [JSON], ('big', 200000), [413]),
        ('login-get', 100, 'GET', '/api/user/login/', [], None, [405]),
        ('changepassword', 2, 'POST', '/api/user/changepassword/', [JSON, ba + u['chpw']['access']],
         j(pw2), [200]),
        ('changepassword-mismatch', 200, 'POST', '/api/user/changepassword/', [JSON, ba + a],
         j({'password': 'a', 'password2': 'b'}), [400]),
        ('changepassword-no-token', 100, 'POST', '/api/user/changepassword/', [JSON], j(pw2), [401]),
        ('send-reset', 3, 'POST', '/api/user/send-reset-password-email/', [JSON],
         j({'email': u['reset']['email']}), [200, 429]),
        ('send-reset-unknown', 200, 'POST', '/api/user/send-reset-password-email/', [JSON],
         j({'email': 'nobody@' + DOMAIN}), [400]),
        ('send-reset-bad-email', 100, 'POST', '/api/user/send-reset-password-email/', [JSON],
         j({'email': 'x@'}), [400]),
        ('reset-bad-token', 200, 'POST', '/api/user/reset-password/MQ/abc-def/', [JSON], j(pw2), [400]),
        ('reset-mismatch', 100, 'POST', '/api/user/reset-password/MQ/abc-def/', [JSON],
         j({'password': 'a', 'password2': 'b'}), [400]),
        ('admin-users', 400, 'GET', '/api/admin/users/', [ba + adm], None, [200]),
        ('admin-users-search', 100, 'GET', '/api/admin/users/?search=soak&ordering=-id&page=1',
         [ba + adm], None, [200]),
        ('admin-users-bad-page', 100, 'GET', '/api/admin/users/?page=999999', [ba + adm], None, [404]),
        ('admin-users-not-admin', 100, 'GET', '/api/admin/users/', [ba + a], None, [403]),
        ('admin-user', 400, 'GET', '/api/admin/users/%d/' % target, [ba + adm], None, [200]),
        ('admin-user-patch', 100, 'PATCH', '/api/admin/users/%d/' % target, [JSON, ba + adm],
         j({'name': 'Soak target'}), [200]),
        ('admin-user-missing', 100, 'GET', '/api/admin/users/999999999/', [ba + adm], None, [404]),
        ('admin-user-password', 2, 'POST', '/api/admin/users/%d/password/' % target,
         [JSON, ba + adm], j(pw2), [200]),
        ('admin-user-password-mismatch', 100, 'POST', '/api/admin/users/%d/password/' % target,
         [JSON, ba + adm], j({'password': 'a', 'password2': 'b'}), [400]),
        ('blacklist-forged', 200, 'POST', '/api/user/token/blacklist/', [JSON], j({'refresh': forged}),
         [401]),
        ('blacklist-bad-json', 100, 'POST', '/api/user/token/blacklist/', [JSON], '[1, 2', [400]),
        ('logout-no-token', 100, 'POST', '/api/user/logout/', [JSON], j({'refresh': 'x'}), [401]),
        ('logout-bad-refresh', 100, 'POST', '/api/user/logout/', [JSON, ba + a],
         j({'refresh': forged}), [400]),
    ]


def spec_file(mix, limit, threads, seed):
    lines = ['limit %d' % limit, 'threads %d' % threads, 'seed %d' % seed]
    for name, weight, method, path, headers, body, _ in mix:
        lines.append('req %s %d %s %s' % (name, weight, method, path))
        lines += ['header %s' % h for h in headers]
        if isinstance(body, tuple):
            lines.append('bigbody %d' % body[1])
        elif body is not None:
            lines.append('body %s' % body)
    assert not any('\n' in line for line in lines)
    f = tempfile.NamedTemporaryFile('w', suffix='.soak', delete=False)
    f.write('\n'.join(lines) + '\n')
    f.close()
    return f.name


def run_wrk(base, spec, threads, timeout):
    argv = ['wrk', '-t%d' % threads, '-c%d' % threads, '-d%ds' % timeout, '--timeout', '30s',
            '-s', LUA, base.rstrip('/') + '/', '--', spec]
    out, err = bench_run_wrk(argv, 'SOAK-STOP', threads, timeout + 90)
    m = re.search(r'^SOAK (\{.*\})$', out, re.M)
    if not m:
        raise RuntimeError('wrk failed: %s %s' % (out[-500:], err[-500:]))
    return json.loads(m.group(1))


# ---------------------------------------------------------------- the workers
def workers(root):
    """{pid: {'endpoint', 'rss_kib', 'fds'}} of the jwtauth-* processes below root."""
    found = {}
    for pid, (ppid, cmd) in descendants(root).items():
        argv0 = os.path.basename(cmd.split(' ', 1)[0]) if cmd else ''
        if not argv0.startswith('jwtauth-'):
            continue
        try:
            with open('/proc/%d/status' % pid) as fh:
                rss = int(re.search(r'^VmRSS:\s+(\d+)', fh.read(), re.M).group(1))
            fds = len(os.listdir('/proc/%d/fd' % pid))
        except (OSError, AttributeError):
            continue
        found[pid] = {'endpoint': argv0[len('jwtauth-'):], 'rss_kib': rss, 'fds': fds}
    return found


LOG_CRASH = re.compile(r'signal|segfault|core dumped|Sanitizer|abort|died|exited|terminated',
                       re.I)


def log_problems(state, skip):
    """Lines of the logs below state that tell of a crash (skip: {path: bytes already seen})."""
    found = []
    for d, _, files in os.walk(state):
        for name in sorted(files):
            if not name.endswith('.log'):
                continue
            path = os.path.join(d, name)
            with open(path, 'rb') as fh:
                fh.seek(skip.get(path, 0))
                for line in fh.read().decode('utf-8', 'replace').splitlines():
                    if LOG_CRASH.search(line):
                        found.append('%s: %s' % (os.path.relpath(path, state), line.strip()))
    return found


def log_sizes(state):
    sizes = {}
    for d, _, files in os.walk(state):
        for name in files:
            if name.endswith('.log'):
                sizes[os.path.join(d, name)] = os.path.getsize(os.path.join(d, name))
    return sizes


# ---------------------------------------------------------------- main
class Soak:
    def __init__(self, a):
        self.a = a
        self.http = Client(a.base)
        cp = configparser.ConfigParser(interpolation=None)
        cp.read(a.config)
        self.key = os.environ.get('JWTAUTH_SECRET_KEY') or cp.get('jwtauth', 'secret_key')
        self.users = {}

    def register(self, who):
        mail = '%s@%s' % (who, DOMAIN)
        pair = self.http.json('POST', '/api/user/register/', {
            'email': mail, 'name': 'Soak ' + who, 'tc': True, 'password': PASSWORD,
            'password2': PASSWORD}, want=201)
        self.users[who] = dict(pair, email=mail, id=user_id(pair['access']))

    def fresh(self):
        """New access tokens (they live 5 minutes) from each user's refresh token."""
        for who in ('main', 'chpw', 'admin'):
            u = self.users[who]
            u['access'] = self.http.json('POST', '/api/user/token/refresh/',
                                         {'refresh': u['refresh']})['access']

    def one_time(self, n):
        """The successes wrk cannot repeat: a login then its logout, a login then the
        blacklisting of its refresh token, a reset mail and the reset with its link."""
        mail = self.users['once']['email']
        for path in ('/api/user/logout/', '/api/user/token/blacklist/'):
            pair = self.http.json('POST', '/api/user/login/', {'email': mail, 'password': PASSWORD})
            self.http.json('POST', path, {'refresh': pair['refresh']},
                           token=pair['access'] if 'logout' in path else None)
        # A new address each round: the reset throttle allows one mail a minute per address.
        who = 'reset-round%d' % n
        self.register(who)
        self.http.json('POST', '/api/user/send-reset-password-email/', {'email': self.users[who]['email']})
        link = read_links(self.a.mail_dir).get(self.users[who]['email'])
        if not link:
            raise RuntimeError('no reset mail for %s in %s' % (self.users[who]['email'], self.a.mail_dir))
        self.http.json('POST', link, {'password': PASSWORD, 'password2': PASSWORD})
        del self.users[who]

    def warm_up(self, mix, conc=8, times=3):
        """Each kind of request conc at once, times over: a web server sends a request to
        its first idle worker, so the second worker of a rarely used endpoint may serve its
        first request (and open its database connection) only when requests overlap.  Without
        this, that first request could come in the middle of the soak and look like growth."""
        clients = [Client(self.a.base) for _ in range(conc)]
        for name, _, method, path, headers, body, _ in mix:
            if isinstance(body, tuple):
                body = '{"email": "%s"}' % ('x' * body[1])
            hdr = dict(h.split(': ', 1) for h in headers)
            for _ in range(times):
                gate = threading.Barrier(conc)

                def one(c, i):
                    gate.wait()
                    u = 'warm%d%s' % (i, time.time_ns())
                    try:
                        c(method, path.replace('@@N@@', u), body and body.replace('@@N@@', u), hdr)
                    except (OSError, http.client.HTTPException):
                        c.c = None
                ts = [threading.Thread(target=one, args=(c, i)) for i, c in enumerate(clients)]
                for t in ts:
                    t.start()
                for t in ts:
                    t.join()
        # The one-time successes, conc at once too: a first reset mail (the mail file backend)
        # or a first hashing in a worker grows its heap once (glibc raises its mmap threshold
        # after the first large free), which must come before the baseline, not after.
        who = ['warm%d' % i for i in range(conc)]
        for w in who:
            self.register(w)

        def parallel(fn):
            ts = [threading.Thread(target=fn, args=(c, w)) for c, w in zip(clients, who)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()

        def mail(c, w):
            c.json('POST', '/api/user/send-reset-password-email/', {'email': self.users[w]['email']})
        parallel(mail)
        links = read_links(self.a.mail_dir)

        def reset(c, w):
            c.json('POST', links[self.users[w]['email']], {'password': PASSWORD, 'password2': PASSWORD})
        parallel(reset)
        for path in ('/api/user/logout/', '/api/user/token/blacklist/'):
            def session(c, w):
                pair = c.json('POST', '/api/user/login/', {'email': self.users[w]['email'],
                                                           'password': PASSWORD})
                c.json('POST', path, {'refresh': pair['refresh']},
                       token=pair['access'] if 'logout' in path else None)
            parallel(session)
        for c in clients:
            for st, v in c.counts.items():
                self.http.counts[st] = self.http.counts.get(st, 0) + v

    def run(self):
        a = self.a
        stamp = time.strftime('%Y%m%d-%H%M%S')
        os.makedirs(a.out, exist_ok=True)
        report = open(os.path.join(a.out, 'soak-%s.txt' % stamp), 'w')
        every = a.every or (100000 if a.requests >= 1000000 else max(1, a.requests // 10))
        rounds = -(-a.requests // every)
        out('soak: %d requests to %s (%s), %d rounds of %d, %d connections; results in %s'
            % (a.requests, a.base, a.server, rounds, every, a.threads, report.name), report)
        for who in ('main', 'chpw', 'admin', 'target', 'reset', 'once'):
            self.register(who)
        sql(a.db_cmd, "UPDATE accounts_user SET is_admin = 1 WHERE email = 'admin@%s'" % DOMAIN)
        self.fresh()
        self.warm_up(kinds(self.users, self.key))
        start_logs = log_sizes(a.state)
        samples = [{'requests': 0, 'time': time.time(), 'workers': workers(a.root_pid)}]
        self.print_sample(samples[-1], report)
        totals, socket_errors, done_req, seed = {}, 0, 0, int(time.time()) % 100000
        started = time.time()
        for n in range(1, rounds + 1):
            limit = min(every, a.requests - done_req)
            self.fresh()
            mix = kinds(self.users, self.key)
            spec = spec_file(mix, limit, a.threads, seed * 100 + n)
            try:
                r = run_wrk(a.base, spec, a.threads, a.round_timeout)
            finally:
                os.unlink(spec)
            self.one_time(n)
            done_req += limit
            for k, v in r['counts'].items():
                totals[k] = totals.get(k, 0) + v
            socket_errors += r['socket_errors']
            rate = r['requests'] / (r['duration_us'] / 1e6) if r['duration_us'] else 0
            samples.append({'requests': done_req, 'time': time.time(), 'workers': workers(a.root_pid),
                            'rate': rate, 'socket_errors': r['socket_errors'], 'max_ms': r['max_us'] / 1000})
            out('round %d: %d answers in %.1f s (%.0f req/s), socket errors %d, slowest %.0f ms'
                % (n, sum(r['counts'].values()), r['duration_us'] / 1e6, rate, r['socket_errors'],
                   r['max_us'] / 1000), report)
            self.print_sample(samples[-1], report)
        elapsed = time.time() - started
        ok = self.verdict(mix, totals, socket_errors, samples, start_logs, elapsed, report)
        with open(os.path.join(a.out, 'soak-%s.json' % stamp), 'w') as fh:
            json.dump({'server': a.server, 'requests': a.requests, 'every': every, 'ok': ok,
                       'elapsed_s': elapsed, 'counts': totals, 'setup_counts': self.http.counts,
                       'socket_errors': socket_errors, 'samples': samples}, fh, indent=1, default=str)
        report.close()
        return 0 if ok else 1

    def print_sample(self, s, report):
        out('after %d requests: %d workers' % (s['requests'], len(s['workers'])), report)
        for pid, w in sorted(s['workers'].items(), key=lambda kv: (kv[1]['endpoint'], kv[0])):
            out('  %-26s pid %-7d RSS %6d KiB  fds %d' % (w['endpoint'], pid, w['rss_kib'], w['fds']),
                report)

    def verdict(self, mix, totals, socket_errors, samples, start_logs, elapsed, report):
        a, bad = self.a, []
        # Workers: from the first sample after warm-up to the last.
        base, last = samples[1 if len(samples) > 2 else 0], samples[-1]
        for i in range(1, len(samples)):
            gone = set(samples[i - 1]['workers']) - set(samples[i]['workers'])
            new = set(samples[i]['workers']) - set(samples[i - 1]['workers'])
            for pid in sorted(gone):
                bad.append('worker %s pid %d vanished between %d and %d requests (replaced: %s)'
                           % (samples[i - 1]['workers'][pid]['endpoint'], pid, samples[i - 1]['requests'],
                              samples[i]['requests'],
                              ', '.join('%s pid %d' % (samples[i]['workers'][p]['endpoint'], p)
                                        for p in sorted(new)) or 'none'))
            if new and not gone and i > 1:
                bad.append('new workers between %d and %d requests: %s' % (
                    samples[i - 1]['requests'], samples[i]['requests'],
                    ', '.join('%s pid %d' % (samples[i]['workers'][p]['endpoint'], p) for p in sorted(new))))
        if not base['workers']:
            bad.append('no endpoint worker found below pid %d (a CGI front end has none to watch)'
                       % a.root_pid)
        out('per worker, from %d to %d requests:' % (base['requests'], last['requests']), report)
        for pid, w in sorted(base['workers'].items(), key=lambda kv: (kv[1]['endpoint'], kv[0])):
            if pid not in last['workers']:
                continue
            e = last['workers'][pid]
            grew = e['rss_kib'] - w['rss_kib']
            flag = ''
            if grew > a.rss_slack_kib or e['fds'] != w['fds']:
                flag = '  GREW'
                bad.append('worker %s pid %d: RSS %d -> %d KiB, fds %d -> %d' % (
                    w['endpoint'], pid, w['rss_kib'], e['rss_kib'], w['fds'], e['fds']))
            out('  %-26s pid %-7d RSS %+6d KiB (%d -> %d)  fds %d -> %d%s' % (
                w['endpoint'], pid, grew, w['rss_kib'], e['rss_kib'], w['fds'], e['fds'], flag), report)
        # Answers.
        by_status, wrong = {}, []
        allowed = {m[0]: m[6] for m in mix}
        per_kind = {}
        for k, v in totals.items():
            kind, status = k.rsplit(' ', 1)
            status = int(status)
            by_status[status] = by_status.get(status, 0) + v
            per_kind.setdefault(kind, {})[status] = v
            if status not in allowed.get(kind, ()):
                wrong.append('%s: %d x %d (expected %s)' % (kind, v, status, allowed.get(kind)))
        total = sum(by_status.values())
        out('answers: %d in %.0f s (%.0f req/s overall, setup and one-time requests %d); by status: %s'
            % (total, elapsed, total / elapsed if elapsed else 0, sum(self.http.counts.values()),
               ', '.join('%d: %d' % kv for kv in sorted(by_status.items()))), report)
        out('by kind: ' + '; '.join('%s %s' % (k, ' '.join('%d:%d' % sv for sv in sorted(v.items())))
                                    for k, v in sorted(per_kind.items())), report)
        # A kind never answered although at least 20 were due (a rare kind may miss a short run).
        weights = sum(m[1] for m in mix)
        missing = [m[0] for m in mix if m[0] not in per_kind and m[1] * a.requests / weights >= 20]
        if missing:
            bad.append('kinds never answered: %s' % ', '.join(missing))
        if wrong:
            bad.append('unexpected statuses: ' + '; '.join(sorted(wrong)))
        fives = sum(v for s, v in by_status.items() if s >= 500)
        if fives:
            bad.append('%d answers with a 5xx status' % fives)
        if socket_errors:
            bad.append('%d socket errors (connect/read/write/timeout)' % socket_errors)
        if total < a.requests * 0.99:
            bad.append('only %d answers for %d requests' % (total, a.requests))
        crash = log_problems(a.state, start_logs)
        if crash:
            bad.append('the web server logs tell of a crash:\n    ' + '\n    '.join(crash[:20]))
        if bad:
            out('soak: FAILED\n  ' + '\n  '.join(bad), report)
            return False
        out('soak: ok (%d workers, RSS growth at most %d KiB, fds flat, no 5xx, no crash)'
            % (len(base['workers']), max([last['workers'][p]['rss_kib'] - w['rss_kib']
                                           for p, w in base['workers'].items() if p in last['workers']]
                                          or [0])), report)
        return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--base', required=True)
    ap.add_argument('--root-pid', type=int, required=True)
    ap.add_argument('--config', required=True)
    ap.add_argument('--db-cmd', required=True)
    ap.add_argument('--mail-dir', required=True)
    ap.add_argument('--state', required=True, help='the front end\'s state directory (its logs)')
    ap.add_argument('--out', required=True)
    ap.add_argument('--server', default='?')
    ap.add_argument('--requests', type=int, default=1000000)
    ap.add_argument('--every', type=int, default=0)
    ap.add_argument('--threads', type=int, default=8)
    ap.add_argument('--rss-slack-kib', type=int, default=1024)
    ap.add_argument('--round-timeout', type=int, default=3600)
    a = ap.parse_args()
    if a.requests < 1:
        ap.error('--requests must be positive')
    return Soak(a).run()


if __name__ == '__main__':
    sys.exit(main())
