#!/usr/bin/env python3
"""jwtauth's benchmark (./dev bench starts the servers and runs this).  Standard
library only; the load comes from wrk (tools/bench.lua).

    bench.py ceiling-conf --server NAME --binary PATH --db-binary PATH --db-config FILE
                          --rundir DIR --procs N
        print the web server configuration that serves tools/ceiling at
        /bench-ceiling/ and tools/ceiling-db at /bench-ceiling-db/ (with the
        [db] settings of FILE, a jwtauth.conf) the way front end NAME serves
        the endpoints (for frontend.py --include)

    bench.py run --mode NAME=URL [--mode NAME=URL] [--root-pid PID]
                 --db-cmd CMD --mail-dir DIR [--procs N] --out DIR
                 [--reference URL --ref-root-pid PID --ref-db-cmd CMD --ref-mail-dir DIR]
                 [--scale URL --scale-db-cmd CMD]
        measure every endpoint in each mode (a front end NAME at URL; the
        one of --root-pid is the one whose processes' memory is read), the
        ceiling responder where the front end serves it, the original
        (--reference), and with --scale profile and login with 1,000 and
        1,000,000 users plus EXPLAIN of lib/sql.h; print the tables and
        write them to DIR/bench.txt and DIR/bench.json (and dated copies).

A front end whose name has "-cgi" in it starts a process per request: it is
measured one request at a time (wrk -t1 -c1, a fixed count), the others and the
original with BENCH_THREADS threads and BENCH_CONNECTIONS connections for
BENCH_SECONDS per endpoint.  Counts come from the environment:

    BENCH_SECONDS      5    seconds per endpoint under concurrent load
    BENCH_THREADS      2    wrk threads
    BENCH_CONNECTIONS  32   wrk connections (BENCH_CONCURRENCY is the old name)
    BENCH_REQUESTS     400  requests per endpoint, one at a time (CGI)
    BENCH_HASH_REQUESTS 40  the same for endpoints that hash a password
    BENCH_RESET_LINKS  2000 at most this many one-time reset links per mode
    BENCH_MAX_SECONDS  120  no single wrk run lasts longer
"""
import argparse
import base64
import email
import email.policy
import http.client
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from frontend import descendants  # noqa: E402

LUA = os.path.join(HERE, 'bench.lua')
SQL_H = os.path.join(HERE, '..', 'lib', 'sql.h')
CEILING_URL = '/bench-ceiling/'
CEILING_DB_URL = '/bench-ceiling-db/'
DOMAIN = 'bench.example.com'          # every user the bench makes; deleted at the end
PASSWORD = 'bench-pass-1'
JSON_HDR = {'Content-Type': 'application/json'}
# Only the endpoints below the line hash a password (yescrypt; PBKDF2 in the original).
ENDPOINTS = [
    # key, label, hashes a password
    ('profile', 'GET profile (JWT + database)', False),
    ('verify', 'POST token/verify (JWT only)', False),
    ('refresh', 'POST token/refresh', False),
    ('preflight', 'OPTIONS login (CORS preflight)', False),
    ('not-found', 'GET /api/ unknown path (404)', False),
    ('send-reset', 'POST send-reset-password-email', False),
    ('login', 'POST login', True),
    ('login-unknown', 'POST login, unknown e-mail (404)', True),
    ('register', 'POST register', True),
    ('changepassword', 'POST changepassword', True),
    ('reset-password', 'POST reset-password/<uid>/<token>', True),
]


def env_int(name, default, *old):
    for n in (name,) + old:
        if os.environ.get(n):
            return int(os.environ[n])
    return default


def progress(msg):
    print('bench: %s' % msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the ceiling's configuration
def db_env(config):
    """CEILING_DB_* for tools/ceiling-db from the [db] section of a jwtauth.conf."""
    env, section = {}, None
    with open(config) as f:
        for line in f:
            line = line.strip()
            if line.startswith('['):
                section = line.strip('[]')
            elif section == 'db' and '=' in line:
                k, v = (x.strip() for x in line.split('=', 1))
                if k in ('socket', 'name', 'user', 'password'):
                    env['CEILING_DB_' + k.upper()] = v
    return env


def ceiling_conf(server, binary, db_binary, env, rundir, procs):
    """The web server blocks serving BINARY at /bench-ceiling/ and DB_BINARY (with the
    environment ENV) at /bench-ceiling-db/, as SERVER serves the endpoints."""
    kind, mode = server.split('-', 1)
    out = ['# Written by tools/bench.py: tools/ceiling at %s and tools/ceiling-db at %s, '
           'as %s serves the endpoints.\n' % (CEILING_URL, CEILING_DB_URL, server)]
    for url, prog in ((CEILING_URL, binary), (CEILING_DB_URL, db_binary)):
        name, d = url.strip('/'), os.path.dirname(prog)
        if kind == 'lighttpd':
            setenv = ('    setenv.add-environment = ( %s )\n' % ', '.join(
                '"%s" => "%s"' % kv for kv in sorted(env.items()))) if prog == db_binary else ''
            if mode == 'cgi':
                out.append('$HTTP["url"] =~ "^/%s/?$" {\n'
                           '    alias.url = ( "/%s" => "%s" )\n'
                           '    cgi.assign = ( "" => "" )\n%s}\n' % (name, name, prog, setenv))
            else:
                os.makedirs(rundir, mode=0o700, exist_ok=True)
                out.append('$HTTP["url"] =~ "^/%s/?$" {\n'
                           '    fastcgi.server = ( "" => ( "%s" => (\n'
                           '        "socket" => "%s/%s.sock",\n'
                           '        "bin-path" => "%s",\n'
                           '        "max-procs" => %d,\n'
                           '        "check-local" => "disable",\n'
                           '    )))\n%s}\n' % (name, name, rundir, name, prog, procs, setenv))
        elif mode in ('cgi', 'fcgid'):
            setenv = ''.join('    SetEnv %s "%s"\n' % kv for kv in sorted(env.items()))
            if mode == 'cgi':
                out.append('ScriptAliasMatch "^/%s/?$" "%s"\n' % (name, prog))
            else:
                out.append('AliasMatch "^/%s/?$" "%s"\n' % (name, prog))
            if prog == db_binary:
                out.append('<Files "%s">\n%s</Files>\n' % (os.path.basename(prog), setenv))
        else:
            return out[0] + '# (none: %s needs a spawn-fcgi socket per backend)\n' % server
    if kind == 'apache':
        out.append('<Directory "%s">\n%s    Require all granted\n</Directory>\n' % (
            os.path.dirname(binary),
            '    SetHandler fcgid-script\n    Options +ExecCGI\n' if mode == 'fcgid' else ''))
    return ''.join(out)


# ---------------------------------------------------------------- HTTP, SQL, mail
class Client:
    """Sequential HTTP requests over one kept-alive connection (reopened when closed)."""

    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.c = None

    def __call__(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            if self.c is None:
                self.c = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.c.request(method, path, body=body, headers=headers or {})
                r = self.c.getresponse()
                data = r.read()
                if r.getheader('Connection', '').lower() == 'close':
                    self.c.close()
                    self.c = None
                return r.status, data
            except (http.client.HTTPException, ConnectionError):
                self.c.close()
                self.c = None
                if attempt:
                    raise


def sql(db_cmd, statement, header=False):
    """Run statements with the mariadb client; rows of the last one as lists of strings
    (the first row holds the column names when header is true)."""
    argv = shlex.split(db_cmd) + ['-B', '-e', statement] + ([] if header else ['-N'])
    out = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError('SQL failed: %s: %s' % (statement[:200], out.stderr.strip()))
    return [line.split('\t') for line in out.stdout.splitlines()]


def quote(v):
    return "'%s'" % str(v).replace('\\', '\\\\').replace("'", "\\'")


def read_links(mail_dir):
    """{recipient: (uid, token)} from the reset mails in mail_dir, which are then removed."""
    links = {}
    for name in os.listdir(mail_dir):
        path = os.path.join(mail_dir, name)
        if name.startswith('.'):
            continue                    # being written
        with open(path, 'rb') as fh:
            m = email.message_from_binary_file(fh, policy=email.policy.default)
        body = m.get_body(('plain',))
        text = body.get_content() if body is not None else ''
        uid, token = re.search(r'^uid:\s+(\S+)', text, re.M), re.search(r'^token:\s+(\S+)', text, re.M)
        if uid and token:
            links[str(m['To']).strip().lower()] = (uid.group(1), token.group(1))
        os.unlink(path)
    return links


def clear_mail(mail_dir):
    for name in os.listdir(mail_dir):
        try:
            os.unlink(os.path.join(mail_dir, name))
        except FileNotFoundError:       # a temporary file, renamed meanwhile
            pass


# ---------------------------------------------------------------- wrk
class Spec:
    """One kind of request: what tools/bench.lua sends."""

    def __init__(self, method, paths, expect, headers=None, body=None, unique=False):
        self.method, self.paths, self.expect = method, paths, expect
        self.headers, self.body, self.unique = headers or {}, body, unique

    def lua(self, threads, limit, timing):
        lines = ['method %s' % self.method] + ['path %s' % p for p in self.paths]
        lines += ['header %s: %s' % kv for kv in self.headers.items()]
        if self.body is not None:
            lines.append('body %s' % self.body)
        if self.unique:
            lines.append('unique @@N@@')
        lines += ['limit %d' % limit, 'threads %d' % threads, 'timing %d' % timing]
        assert not any('\n' in line for line in lines)
        return '\n'.join(lines) + '\n'

    def send_one(self, base):
        """One request of this kind (a value of its own where it is unique): (status, body)."""
        n = 'one%d' % time.time_ns()
        path = self.paths[-1].replace('@@N@@', n)
        body = self.body.replace('@@N@@', n) if self.body else None
        return Client(base)(self.method, path, body, self.headers)

    def check(self, base):
        """None if one request gets the status it must have, else what it got."""
        st, data = self.send_one(base)
        return None if st == self.expect else 'expected %d, got %d %s' % (self.expect, st, data[:120])


def run_wrk(argv, stop_marker, threads, kill_after):
    """Run wrk (argv) and return (stdout, stderr).  Each of its threads prints a line
    starting with stop_marker once it has sent its share: after the last one wrk is ended
    (SIGINT, which makes it print its summary); it is killed after kill_after seconds."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killer = threading.Timer(kill_after, p.kill)
    killer.start()
    try:
        lines, stops = [], 0
        for line in p.stdout:
            lines.append(line)
            if line.startswith(stop_marker):
                stops += 1
                if stops == threads:
                    if not any(x.startswith('Running') for x in lines):
                        time.sleep(0.2)     # wrk handles SIGINT once it says "Running"
                    p.send_signal(signal.SIGINT)
        err = p.stderr.read()
        p.wait()
    finally:
        killer.cancel()
        if p.poll() is None:
            p.kill()
            p.wait()
    return ''.join(lines), err


def wrk(base, spec, threads, conns, seconds, limit=0):
    """Run wrk; returns a result dict (req/s, p50/p99 ms, errors, count).  With one
    connection per thread the script times every request itself (exact percentiles);
    with a limit, wrk is ended (SIGINT) once every thread has sent its share."""
    with tempfile.NamedTemporaryFile('w', suffix='.spec', delete=False) as fh:
        fh.write(spec.lua(threads, limit, conns == threads))
    argv = ['wrk', '-t%d' % threads, '-c%d' % conns, '-d%ds' % seconds, '--timeout', '30s',
            '-s', LUA, base.rstrip('/') + '/', '--', fh.name]
    try:
        out, err = run_wrk(argv, 'BENCH-STOP', threads, seconds + 90)
    finally:
        os.unlink(fh.name)
    m = re.search(r'^BENCH (\{.*\})$', out, re.M)
    if not m:
        raise RuntimeError('wrk failed: %s %s' % (out[-500:], err[-500:]))
    r = json.loads(m.group(1))
    n = r['requests']
    # wrk counts statuses above 399 as errors; some requests are meant to get one.
    wrong = r['status_errors'] if spec.expect < 400 else n - r['status_errors']
    return {'rps': n / (r['duration_us'] / 1e6) if r['duration_us'] else 0.0,
            'p50_ms': r['p50_us'] / 1000, 'p90_ms': r['p90_us'] / 1000,
            'p99_ms': r['p99_us'] / 1000, 'max_ms': r['max_us'] / 1000,
            'mean_ms': r['mean_us'] / 1000, 'requests': n,
            'errors': wrong + r['socket_errors'], 'threads': threads, 'connections': conns,
            'timed_by_script': r['timed']}


def settle(base, spec):
    """Wait until the requests wrk left unanswered are served: when wrk stops, up to one
    request per connection is still queued at the server (a password hash each), and
    the next run must not share the machine with them.  One more request of the same
    kind, in the same queue, returns once they are done."""
    try:
        spec.send_one(base)
    except (OSError, http.client.HTTPException):
        pass


# ---------------------------------------------------------------- a service under test
class Service:
    """A database and its users, reachable through one or more front ends."""

    def __init__(self, name, db_cmd, mail_dir, setup_base, tag):
        self.name, self.db_cmd, self.mail_dir, self.tag = name, db_cmd, mail_dir, tag
        self.http = Client(setup_base)
        self.users = {}

    def register(self, who):
        """A user made through the API: {'email', 'id', 'refresh', 'access'}."""
        mail = '%s.%s@%s' % (who, self.tag, DOMAIN)
        st, data = self.http('POST', '/api/user/register/', json.dumps(
            {'email': mail, 'name': 'Bench ' + who, 'password': PASSWORD, 'password2': PASSWORD,
             'tc': True}), JSON_HDR)
        if st != 201:
            raise RuntimeError('%s: registration failed: %d %s' % (self.name, st, data[:300]))
        pair = json.loads(data)
        seg = pair['access'].split('.')[1]
        uid = json.loads(base64.urlsafe_b64decode(seg + '=' * (-len(seg) % 4)))['user_id']
        self.users[who] = dict(pair, email=mail, id=uid)
        return self.users[who]

    def fresh_access(self, who):
        """A new access token (they live 5 minutes) from the user's refresh token."""
        u = self.users[who]
        st, data = self.http('POST', '/api/user/token/refresh/',
                             json.dumps({'refresh': u['refresh']}), JSON_HDR)
        if st != 200:
            raise RuntimeError('%s: refresh failed: %d %s' % (self.name, st, data[:300]))
        u['access'] = json.loads(data)['access']
        return u['access']

    def reset_links(self, prefix, n):
        """n one-time reset paths, for n users made in SQL (the bench user's hash)."""
        if n <= 0:
            return []
        clear_mail(self.mail_dir)
        sql(self.db_cmd, "SET @h = (SELECT password FROM accounts_user WHERE email = %s); "
            "INSERT INTO accounts_user (password, last_login, email, name, tc, is_active, is_admin, "
            "created_at, updated_at) SELECT @h, NULL, CONCAT(%s, seq, %s), 'Bench reset', 1, 1, 0, "
            "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM seq_1_to_%d"
            % (quote(self.users['main']['email']), quote(prefix + '.'),
               quote('.%s@%s' % (self.tag, DOMAIN)), n))
        for i in range(1, n + 1):
            st, data = self.http('POST', '/api/user/send-reset-password-email/', json.dumps(
                {'email': '%s.%d.%s@%s' % (prefix, i, self.tag, DOMAIN)}), JSON_HDR)
            if st != 200:
                raise RuntimeError('%s: reset mail refused: %d %s' % (self.name, st, data[:300]))
        links = read_links(self.mail_dir)
        return ['/api/user/reset-password/%s/%s/' % uid_token for uid_token in links.values()]

    def cleanup(self):
        sql(self.db_cmd, "DELETE FROM accounts_user WHERE email LIKE %s" % quote('%@' + DOMAIN))

    def spec(self, key, label):
        """The request that measures endpoint key in mode label (the same for every
        request of the run but where the spec says unique)."""
        main = self.users['main']
        auth = {'Authorization': 'Bearer ' + main['access']}
        if key == 'profile':
            return Spec('GET', ['/api/user/profile/'], 200, auth)
        if key == 'verify':
            return Spec('POST', ['/api/user/token/verify/'], 200, JSON_HDR,
                        json.dumps({'token': main['access']}))
        if key == 'refresh':
            return Spec('POST', ['/api/user/token/refresh/'], 200, JSON_HDR,
                        json.dumps({'refresh': main['refresh']}))
        if key == 'preflight':
            return Spec('OPTIONS', ['/api/user/login/'], 200, {
                'Origin': 'http://localhost:3000', 'Access-Control-Request-Method': 'POST',
                'Access-Control-Request-Headers': 'content-type'})
        if key == 'not-found':
            return Spec('GET', ['/api/user/no-such-endpoint/'], 404)
        if key == 'send-reset':
            return Spec('POST', ['/api/user/send-reset-password-email/'], 200, JSON_HDR,
                        json.dumps({'email': main['email']}))
        if key == 'login':
            return Spec('POST', ['/api/user/login/'], 200, JSON_HDR,
                        json.dumps({'email': main['email'], 'password': PASSWORD}))
        if key == 'login-unknown':
            return Spec('POST', ['/api/user/login/'], 404, JSON_HDR, json.dumps(
                {'email': 'nobody.%s@%s' % (self.tag, DOMAIN), 'password': PASSWORD}))
        if key == 'register':
            return Spec('POST', ['/api/user/register/'], 201, JSON_HDR, json.dumps(
                {'email': 'new.%s.@@N@@.%s@%s' % (label, self.tag, DOMAIN), 'name': 'Bench new',
                 'password': PASSWORD, 'password2': PASSWORD, 'tc': True}), unique=True)
        if key == 'changepassword':
            return Spec('POST', ['/api/user/changepassword/'], 200,
                        dict(JSON_HDR, Authorization='Bearer ' + self.users['chpw']['access']),
                        json.dumps({'password': PASSWORD, 'password2': PASSWORD}))
        raise KeyError(key)


class Runner:
    def __init__(self, a):
        self.a = a

    def endpoint(self, svc, base, key, hashes, sequential, label, ceiling=False):
        """Measure one endpoint (or the ceiling) through base; a result row."""
        a = self.a
        if ceiling:
            spec = Spec('GET', [ceiling], 200)
        elif key == 'reset-password':
            spec = None
        else:
            svc.fresh_access('main')
            svc.fresh_access('chpw')
            spec = svc.spec(key, label)
        if sequential:
            threads = conns = 1
            limit = a.hash_requests if hashes else a.requests
            seconds = a.max_seconds
        else:
            threads, conns, limit, seconds = a.threads, a.connections, 0, a.seconds
        if key == 'reset-password':
            # One-time links: enough for the run (from login's rate), made beforehand.
            if sequential:
                n = limit
            else:
                n = min(a.reset_links, int(self.login_rps.get(label, 50) * seconds * 1.5) + conns)
            links = svc.reset_links('reset.%s' % label, n)
            spec = Spec('POST', links, 200, JSON_HDR,
                        json.dumps({'password': PASSWORD, 'password2': PASSWORD}))
            limit = len(links)
            problem = None if links else 'no reset links'
        else:
            problem = spec.check(base)
        if problem:
            progress('%s %s: %s' % (label, key, problem))
            return {'error': problem}
        r = wrk(base, spec, threads, conns, seconds, limit)
        if key == 'login':
            self.login_rps[label] = r['rps']
        if key == 'send-reset':
            clear_mail(svc.mail_dir)
        progress('%-18s %-16s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  %d requests, %d errors'
                 % (label, key, r['rps'], r['p50_ms'], r['p99_ms'], r['requests'], r['errors']))
        settle(base, spec)
        return r

    def mode(self, svc, label, base, sequential):
        """Every endpoint (and the ceiling, when served) through one front end."""
        rows = {}
        db_url = '%s?id=%d' % (CEILING_DB_URL, svc.users['main']['id'])
        for key, url in (('ceiling', CEILING_URL), ('ceiling-db', db_url)):
            if label != 'original' and Client(base)('GET', url)[0] == 200:
                rows[key] = self.endpoint(svc, base, key, False, sequential, label, url)
        for key, _, hashes in ENDPOINTS:
            rows[key] = self.endpoint(svc, base, key, hashes, sequential, label)
        return rows

    def run(self):
        a = self.a
        self.login_rps = {}
        tag = 'b%x' % int(time.time())
        started = time.time()
        report = {'date': time.strftime('%Y-%m-%d %H:%M:%S %z'), 'tag': tag,
                  'load_before': os.getloadavg(), 'cpus': os.cpu_count(),
                  'commit': git_commit(), 'settings': {
                      k: getattr(a, k) for k in ('seconds', 'threads', 'connections', 'requests',
                                                 'hash_requests', 'reset_links', 'procs')},
                  'modes': {}}
        modes = [(name, url, '-cgi' in name) for name, url in
                 (m.split('=', 1) for m in a.mode)]
        # The fastest front end makes the users and asks for reset mails.
        setup_base = sorted(modes, key=lambda m: m[2])[0][1]
        svc = Service('jwtauth', a.db_cmd, a.mail_dir, setup_base, tag)
        svc.cleanup()
        svc.register('main')
        svc.register('chpw')
        for name, url, sequential in modes:
            report['modes'][name] = {'url': url, 'sequential': sequential,
                                     'rows': self.mode(svc, name, url, sequential)}
            if a.root_pid and name == modes[0][0]:
                report['modes'][name]['memory'] = memory(a.root_pid, ('jwtauth-', 'ceiling'))
        svc.cleanup()
        if a.reference:
            ref = Service('original', a.ref_db_cmd, a.ref_mail_dir, a.reference, tag)
            ref.cleanup()
            ref.register('main')
            ref.register('chpw')
            report['original'] = {'url': a.reference, 'rows': self.mode(ref, 'original', a.reference, False),
                                  'memory': memory(a.ref_root_pid, ('gunicorn',))}
            ref.cleanup()
        if a.scale:
            report['scale'] = scale(self, a)
        report['load_after'] = os.getloadavg()
        report['elapsed_s'] = time.time() - started
        return report


def git_commit():
    out = subprocess.run(['git', '-C', HERE, 'describe', '--always', '--dirty'],
                         capture_output=True, text=True)
    return out.stdout.strip() or None


def memory(root, names):
    """{name: [{'pid', 'cmd', 'rss_kib', 'pss_kib'}]} for the processes below root whose
    command line, less the program's directory, holds name (VmRSS from status, Pss from
    smaps_rollup)."""
    out = {n: [] for n in names}
    for pid, (ppid, cmd) in sorted(descendants(root).items()):
        argv = cmd.split()
        line = ' '.join([os.path.basename(argv[0])] + argv[1:]) if argv else ''
        name = next((n for n in names if n in line), None)
        if name is None or 'frontend.py' in cmd:
            continue
        try:
            with open('/proc/%d/status' % pid) as fh:
                rss = int(re.search(r'^VmRSS:\s+(\d+)', fh.read(), re.M).group(1))
            with open('/proc/%d/smaps_rollup' % pid) as fh:
                pss = int(re.search(r'^Pss:\s+(\d+)', fh.read(), re.M).group(1))
        except (OSError, AttributeError):
            continue
        out[name].append({'pid': pid, 'cmd': cmd.split()[0], 'rss_kib': rss, 'pss_kib': pss})
    return out


# ---------------------------------------------------------------- scale and EXPLAIN
def statements():
    """{name: (SQL text, scan)} of lib/sql.h's sql_defs, string macros expanded; scan is
    1 for a statement that reads every row by design (sql_def.scan)."""
    with open(SQL_H) as fh:
        text = fh.read()
    lit = r'"((?:[^"\\]|\\.)*)"'
    macros = {m.group(1): ''.join(re.findall(lit, m.group(2))) for m in
              re.finditer(r'^#define[ \t]+(\w+)((?:[ \t]*\\\n)?(?:\s*' + lit + ')+)', text, re.M)}
    table = text[text.index('sql_defs['):]
    table = table[table.index('{') + 1:]
    out = {}
    for m in re.finditer(r'\[(SQL_\w+)\]\s*=\s*\{(.*?),\s*\d+\s*(?:,\s*(\d+)\s*)?\}', table, re.S):
        parts = re.findall(lit + r'|([A-Z_][A-Z0-9_]*)', m.group(2))
        out[m.group(1)] = (''.join(s if s else macros[name] for s, name in parts),
                           int(m.group(3) or 0))
    return out


def with_values(stmt, row):
    """stmt with each ? replaced by the value of its column in row (a real user)."""
    def lit(v):
        return v if re.fullmatch(r'\d+', v) else quote(v)
    row = dict(row, user_id=row['id'], target_id=row['id'], event='login', client='127.0.0.1',
               user_agent='bench', outcome='ok')
    m = re.match(r'\s*INSERT INTO \w+ \(([^)]*)\) VALUES \((.*)\)\s*$', stmt, re.S)
    if m:
        cols = [c.strip() for c in m.group(1).split(',')]
        vals = [v.strip() for v in re.split(r',(?![^(]*\))', m.group(2))]
        vals = [lit(row[c] + '.new' if c == 'email' else row.get(c, '0')) if v == '?' else v
                for c, v in zip(cols, vals)]
        return '%s(%s) VALUES (%s)' % (stmt[:stmt.index('(')], ', '.join(cols), ', '.join(vals))
    # The audit log's columns (jwtauth_audit): rows of that user, a time bound, a limit.
    stmt = re.sub(r'created_at (>=|<) \?', r"created_at \1 UTC_TIMESTAMP(6) - INTERVAL 1 DAY", stmt)
    stmt = re.sub(r'LIMIT \?$', 'LIMIT 100', stmt)
    # The admin list's placeholders: a substring search, both values of each filter, a page.
    stmt = stmt.replace('LIKE ?', "LIKE '%a%'").replace('IN (?, ?)', 'IN (0, 1)')
    stmt = stmt.replace('LIMIT ? OFFSET ?', 'LIMIT 100 OFFSET 0')
    # A column of another table (jwtauth's own) gets 0; any other placeholder 0 as well.
    stmt = re.sub(r'(\w+)\s*=\s*\?', lambda mm: '%s = %s' % (mm.group(1), lit(row.get(mm.group(1), '0'))),
                  stmt)
    # The throttles' other placeholders (times, caps, LIMIT n, an address to weigh).
    return stmt.replace('?', '0')


def explain(db_cmd, sample_email):
    cols = sql(db_cmd, 'SELECT * FROM accounts_user WHERE email = %s' % quote(sample_email),
               header=True)
    row = dict(zip(cols[0], cols[1]))
    # jwtauth_throttle's key columns (lib/throttle.c), for its statements.
    row.update({'scope': 'login_client', 'ident': '127.0.0.1', 'hits': '1', 'window_end': '0'})
    out = []
    for name, (stmt, scan) in statements().items():
        text = with_values(stmt, row)
        try:
            rows = sql(db_cmd, 'EXPLAIN ' + text, header=True)
            e = [dict(zip(rows[0], r)) for r in rows[1:]]
        except RuntimeError as err:
            e = [{'error': str(err)}]
        verb = stmt.split()[0].upper()
        keys = [x.get('key', 'NULL') for x in e]
        if verb == 'INSERT':
            verdict = 'no look-up (an insert; the unique key on email is checked by it)'
        elif e and all(k not in ('NULL', None) for k in keys):
            verdict = 'uses an index'
        elif scan and e and 'error' not in e[0]:
            verdict = 'reads every row, by design (sql.h: scan)'
        else:
            verdict = 'NO INDEX'
        out.append({'name': name, 'sql': text, 'explain': e, 'verdict': verdict})
    return out


def scale(runner, a):
    """Profile and login with 1,000 and 1,000,000 users (generated in SQL), then EXPLAIN."""
    svc = Service('scale', a.scale_db_cmd, a.mail_dir, a.scale, 'scale')
    svc.register('main')            # id 1: the hash every generated user shares
    gen = ("SET @h = (SELECT password FROM accounts_user WHERE id = 1); "
           "INSERT INTO accounts_user (password, last_login, email, name, tc, is_active, is_admin, "
           "created_at, updated_at) SELECT @h, NULL, CONCAT('user', LPAD(seq, 7, '0'), '@scale.example.com'), "
           "CONCAT('User ', seq), 1, 1, 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM seq_%d_to_%d")
    out = {'sizes': {}}
    done = 1
    for size in (1000, 1000000):
        t0 = time.time()
        sql(a.scale_db_cmd, gen % (done, size - 1) + '; ANALYZE TABLE accounts_user')
        done = size
        count = int(sql(a.scale_db_cmd, 'SELECT COUNT(*) FROM accounts_user')[0][0])
        progress('scale: %d users (%.1f s to generate)' % (count, time.time() - t0))
        # A user in the middle of the table, logged in through the API.
        who = 'user%07d@scale.example.com' % (size // 2)
        st, data = svc.http('POST', '/api/user/login/', json.dumps({'email': who, 'password': PASSWORD}),
                            JSON_HDR)
        if st != 200:
            raise RuntimeError('scale: login of %s failed: %d %s' % (who, st, data[:200]))
        svc.users['mid'] = dict(json.loads(data), email=who)
        rows = {}
        svc.users['main'] = svc.users['mid']
        for key in ('profile', 'login'):
            spec = svc.spec(key, 'scale')
            # As in the tables above: under load, and one request at a time.
            for how, r in (('concurrent', lambda: wrk(a.scale, spec, a.threads, a.connections,
                                                      a.seconds)),
                           ('one at a time', lambda: wrk(a.scale, spec, 1, 1, a.seconds))):
                r = rows.setdefault(key, {})[how] = r()
                progress('scale: %d users, %-8s %-13s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  '
                         '%d errors' % (count, key, how, r['rps'], r['p50_ms'], r['p99_ms'],
                                        r['errors']))
                settle(a.scale, spec)
        out['sizes'][str(count)] = {'generate_s': time.time() - t0, 'user': who, 'rows': rows}
    out['explain'] = explain(a.scale_db_cmd, who)
    return out


# ---------------------------------------------------------------- the report
def fmt_rows(rows, ceiling, original=None):
    lines = ['%-36s %9s %9s %9s %7s %9s %10s' % ('endpoint', 'req/s', 'p50 ms', 'p99 ms', 'errors',
                                                 '/ceiling', '/original')]
    labels = dict([('ceiling', 'ceiling (tools/ceiling.c, constant)'),
                   ('ceiling-db', 'ceiling + SELECT by id (ceiling-db.c)')] +
                  [(k, label) for k, label, _ in ENDPOINTS])
    for key, r in rows.items():
        if 'error' in r or not r['requests']:
            lines.append('%-36s %s' % (labels[key], r.get('error', 'no answer in the time given')[:70]))
            continue
        ratio_c = '%.2f' % (r['rps'] / ceiling['rps']) if ceiling and ceiling.get('rps') else '-'
        o = (original or {}).get(key) or {}
        ratio_o = '%.1fx' % (r['rps'] / o['rps']) if o.get('rps') else '-'
        lines.append('%-36s %9.0f %9.2f %9.2f %7d %9s %10s' % (
            labels[key], r['rps'], r['p50_ms'], r['p99_ms'], r['errors'], ratio_c, ratio_o))
    return lines


def mem_lines(what, procs):
    if not procs:
        return ['  %s: no process found' % what]
    pss = [p['pss_kib'] / 1024 for p in procs]
    rss = [p['rss_kib'] / 1024 for p in procs]
    out = ['  %s: %d processes, PSS %.1f MiB each on average (max %.1f, %.1f in all), '
           'RSS %.1f MiB each on average (max %.1f)' % (what, len(procs), sum(pss) / len(pss),
                                                        max(pss), sum(pss), sum(rss) / len(rss),
                                                        max(rss))]
    progs = {}
    for p in procs:
        progs.setdefault(os.path.basename(p['cmd']), []).append(p['pss_kib'] / 1024)
    if len(progs) > 1:
        out.append('    PSS MiB per process: ' + ', '.join(
            '%s %s' % (prog, '/'.join('%.1f' % v for v in vals)) for prog, vals in progs.items()))
    return out


def render(rep):
    s = rep['settings']
    L = ['jwtauth ./dev bench, %s, commit %s; %d CPUs, load average %.2f before, %.2f after; %.0f s'
         % (rep['date'], rep['commit'], rep['cpus'], rep['load_before'][0],
            rep['load_after'][0], rep['elapsed_s'])]
    orig = rep.get('original', {}).get('rows')
    for name, m in rep['modes'].items():
        L.append('')
        if m['sequential']:
            L.append('== %s: one request at a time (wrk -t1 -c1), %d requests per endpoint '
                     '(%d where a password is hashed)' % (name, s['requests'], s['hash_requests']))
        else:
            L.append('== %s: wrk -t%d -c%d, %d s per endpoint, %d processes per endpoint' % (
                name, s['threads'], s['connections'], s['seconds'], s['procs']))
        L += fmt_rows(m['rows'], m['rows'].get('ceiling'), None if m['sequential'] else orig)
        if 'memory' in m:
            L.append('memory after the run:')
            L += mem_lines('jwtauth', m['memory']['jwtauth-'])
            L += mem_lines('ceiling', m['memory']['ceiling'])
    if orig:
        L.append('')
        L.append('== original (tools/reference/: Django under gunicorn, %d sync workers): '
                 'wrk -t%d -c%d, %d s per endpoint' % (s['procs'], s['threads'], s['connections'],
                                                        s['seconds']))
        L += fmt_rows(orig, None)
        L.append('memory after the run:')
        L += mem_lines('gunicorn', rep['original']['memory']['gunicorn'])
    L.append('')
    L.append('== summary')
    for name, m in rep['modes'].items():
        p, c = m['rows'].get('profile', {}), m['rows'].get('ceiling', {})
        cdb = m['rows'].get('ceiling-db', {})
        if m['sequential'] and p.get('p50_ms') is not None:
            L.append('%s profile: p50 %.2f ms, p99 %.2f ms (issue 9: p50 < 3, p99 < 6); '
                     'ceiling p50 %s ms, ceiling + SELECT p50 %s ms' % (
                         name, p['p50_ms'], p['p99_ms'],
                         '%.2f' % c['p50_ms'] if c.get('p50_ms') else '-',
                         '%.2f' % cdb['p50_ms'] if cdb.get('p50_ms') else '-'))
        elif p.get('rps') and c.get('rps'):
            L.append('%s profile/ceiling: %.2f (%.0f / %.0f req/s; issue 9: >= 0.70)' % (
                name, p['rps'] / c['rps'], p['rps'], c['rps']))
            if cdb.get('rps'):
                L.append('%s ceiling + SELECT/ceiling: %.2f (the most an endpoint that reads '
                         'its user per request can reach); profile/(ceiling + SELECT): %.2f' % (
                             name, cdb['rps'] / c['rps'], p['rps'] / cdb['rps']))
        o = (orig or {}).get('profile', {})
        if not m['sequential'] and p.get('rps') and o.get('rps'):
            L.append('%s profile jwtauth/original: %.1fx (%.0f / %.0f req/s)' % (
                name, p['rps'] / o['rps'], p['rps'], o['rps']))
    if 'scale' in rep:
        L += render_scale(rep['scale'], s)
    return '\n'.join(L) + '\n'


def render_scale(sc, s):
    L = ['', '== scale: profile and login with 1,000 and 1,000,000 users, %d s each: concurrent '
         '(wrk -t%d -c%d) and one at a time' % (s['seconds'], s['threads'], s['connections'])]
    L.append('%12s %-8s %-14s %9s %9s %9s %7s' % ('users', 'endpoint', 'how', 'req/s', 'p50 ms',
                                                 'p99 ms', 'errors'))
    sizes = list(sc['sizes'].items())
    for n, v in sizes:
        for key, hows in v['rows'].items():
            for how, r in hows.items():
                L.append('%12s %-8s %-14s %9.0f %9.2f %9.2f %7d' % (
                    '{:,}'.format(int(n)), key, how, r['rps'], r['p50_ms'], r['p99_ms'], r['errors']))
    if len(sizes) == 2:
        small, big = sizes[0][1]['rows'], sizes[1][1]['rows']
        for key in small:
            d = {how: (big[key][how]['p50_ms'] / small[key][how]['p50_ms'] - 1,
                       big[key][how]['rps'] / small[key][how]['rps'] - 1)
                 for how in small[key] if small[key][how]['p50_ms'] and small[key][how]['rps']}
            # The verdict: latency, one request at a time (under load, queueing and
            # the machine's other work weigh more than the table's size).
            ok = abs(d.get('one at a time', (1, 1))[0]) <= 0.10
            L.append('%s from %s to %s users: %s: latency %s' % (
                key, '{:,}'.format(int(sizes[0][0])), '{:,}'.format(int(sizes[1][0])),
                '; '.join('%s p50 %+.1f %%, req/s %+.1f %%' % (how, dp * 100, dr * 100)
                          for how, (dp, dr) in d.items()),
                'within 10 %' if ok else 'NOT within 10 %'))
    L.append('')
    L.append('EXPLAIN of each statement of lib/sql.h, accounts_user with %s rows:' % (
        '{:,}'.format(int(sizes[-1][0])) if sizes else '?'))
    L.append('%-24s %-8s %-8s %-10s %6s  %s' % ('statement', 'verb', 'type', 'key', 'rows', 'verdict'))
    for e in sc['explain']:
        x = e['explain'][0] if e['explain'] else {}
        L.append('%-24s %-8s %-8s %-10s %6s  %s' % (e['name'], e['sql'].split()[0], x.get('type', '-'),
                                                    x.get('key', x.get('error', '-'))[:40],
                                                    x.get('rows', '-'), e['verdict']))
    return L


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    c = sub.add_parser('ceiling-conf')
    c.add_argument('--server', required=True)
    c.add_argument('--binary', required=True)
    c.add_argument('--db-binary', required=True)
    c.add_argument('--db-config', required=True, help='a jwtauth.conf: its [db] section')
    c.add_argument('--rundir', required=True)
    c.add_argument('--procs', type=int, default=2)
    r = sub.add_parser('run')
    r.add_argument('--mode', action='append', required=True, help='NAME=URL')
    r.add_argument('--root-pid', type=int)
    r.add_argument('--db-cmd', required=True)
    r.add_argument('--mail-dir', required=True)
    r.add_argument('--procs', type=int, default=2)
    r.add_argument('--out', required=True)
    r.add_argument('--reference')
    r.add_argument('--ref-root-pid', type=int)
    r.add_argument('--ref-db-cmd')
    r.add_argument('--ref-mail-dir')
    r.add_argument('--scale')
    r.add_argument('--scale-db-cmd')
    a = ap.parse_args()
    if a.cmd == 'ceiling-conf':
        sys.stdout.write(ceiling_conf(a.server, os.path.abspath(a.binary),
                                      os.path.abspath(a.db_binary), db_env(a.db_config),
                                      os.path.abspath(a.rundir),
                                      a.procs))
        return 0
    # SIGTERM (./dev stopping) unwinds like an exception: no wrk is left behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit('bench: terminated'))
    a.seconds = env_int('BENCH_SECONDS', 5)
    a.threads = env_int('BENCH_THREADS', 2)
    a.connections = max(env_int('BENCH_CONNECTIONS', 32, 'BENCH_CONCURRENCY'), a.threads)
    a.requests = env_int('BENCH_REQUESTS', 400)
    a.hash_requests = env_int('BENCH_HASH_REQUESTS', 40)
    a.reset_links = env_int('BENCH_RESET_LINKS', 2000)
    a.max_seconds = env_int('BENCH_MAX_SECONDS', 120)
    rep = Runner(a).run()
    text = render(rep)
    sys.stdout.write(text)
    os.makedirs(a.out, exist_ok=True)
    stamp = time.strftime('%Y%m%d-%H%M%S')
    for base in ('bench', stamp):
        with open(os.path.join(a.out, base + '.txt'), 'w') as fh:
            fh.write(text)
        with open(os.path.join(a.out, base + '.json'), 'w') as fh:
            json.dump(rep, fh, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
