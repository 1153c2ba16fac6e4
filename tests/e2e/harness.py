"""End-to-end fixtures for jwtauth: a private MariaDB, lighttpd started from
the shipped configuration (FastCGI or CGI), the real endpoint binaries, and
an HTTP client.  Standard library only.  Every server binds to 127.0.0.1 or
a unix socket in a private temporary directory, and is stopped by pid.
"""
import http.client
import sys
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import urllib.parse

BUILD = os.environ.get('JWTAUTH_BUILDDIR') or os.path.abspath('.')
SRC = os.environ.get('JWTAUTH_SRCDIR') or os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SECRET = 'e2e-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz'

# Processes and waiting: the same code ./dev run uses (tools/frontend.py).
sys.path.insert(0, os.path.join(SRC, 'tools'))
from frontend import Child as Proc, free_port, wait_for  # noqa: E402


def browser_origin_port():
    """3000, the port of the origins the original allows, unless something holds it."""
    s = socket.socket()
    try:
        s.bind(('127.0.0.1', 3000))
        return 3000
    except OSError:
        return free_port()
    finally:
        s.close()


class MariaDB:
    """A private MariaDB under root, on its socket.  Its temporary files go to a tmpdir of its
    own (root/tmp), for mariadb-install-db too: a starting mariadbd deletes every #sql* file in
    its tmpdir, so in the shared /tmp it would destroy the temporary tables of another server's
    mariadb-install-db (error 1051 there)."""

    def __init__(self, root):
        self.root = root
        self.sock = os.path.join(root, 'mysqld.sock')
        self.tmpdir = os.path.join(root, 'tmp')
        self.proc = None
        self.password = 'e2e-db-password'

    def start(self):
        data = os.path.join(self.root, 'data')
        os.makedirs(self.tmpdir, exist_ok=True)
        user = subprocess.run(['id', '-un'], capture_output=True, text=True).stdout.strip()
        log = os.path.join(self.root, 'mariadb-install.log')
        with open(log, 'wb') as out:
            rc = subprocess.run(['mariadb-install-db', '--no-defaults', '--datadir=' + data, '--user=' + user,
                                 '--auth-root-authentication-method=socket', '--skip-test-db'],
                                stdout=out, stderr=subprocess.STDOUT,
                                env=dict(os.environ, TMPDIR=self.tmpdir)).returncode
        if rc != 0:
            with open(log, errors='replace') as fh:
                raise RuntimeError('mariadb-install-db failed (%d):\n%s' % (rc, ''.join(fh.readlines()[-15:])))
        self.launch()
        self.sql("CREATE DATABASE jwtauth CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;"
                 "CREATE USER 'jwtauth'@'localhost' IDENTIFIED BY '%s';"
                 "GRANT SELECT, INSERT, UPDATE, DELETE ON jwtauth.* TO 'jwtauth'@'localhost';"
                 % self.password, db=None)
        self.migrate()

    def migrate(self, db='jwtauth', extra=()):
        """jwtauth-admin migrate as the database's owner (this OS user over the socket):
        every file of sql/migrations in order, recorded in jwtauth_migrations."""
        env = dict(os.environ, JWTAUTH_CONFIG='/dev/null', JWTAUTH_SECRET_KEY='m' * 32,
                   JWTAUTH_DB_SOCKET=self.sock, JWTAUTH_DB_NAME=db,
                   JWTAUTH_DB_USER=subprocess.run(['id', '-un'], capture_output=True,
                                                  text=True).stdout.strip(),
                   JWTAUTH_DB_PASSWORD='')
        p = subprocess.run([os.path.join(BUILD, 'sbin', 'jwtauth-admin'), 'migrate',
                            '--dir', os.path.join(SRC, 'sql', 'migrations')] + list(extra),
                           env=env, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError('jwtauth-admin migrate failed (%d): %s%s' % (p.returncode, p.stdout,
                                                                            p.stderr))
        return p.stdout

    def start_again(self):
        """Start the stopped server on the same data directory."""
        self.launch()

    def launch(self):
        data = os.path.join(self.root, 'data')
        user = subprocess.run(['id', '-un'], capture_output=True, text=True).stdout.strip()
        self.proc = Proc(['mariadbd', '--no-defaults', '--datadir=' + data, '--socket=' + self.sock]
                         + self.network() + ['--user=' + user, '--tmpdir=' + self.tmpdir,
                                             '--pid-file=' + os.path.join(self.root, 'mysqld.pid'),
                                             '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=16M'],
                         os.path.join(self.root, 'mariadb.log'))

        def up():
            if not self.proc.alive():
                raise RuntimeError('mariadbd exited: see %s/mariadb.log' % self.root)
            return subprocess.run(['mariadb-admin', '--no-defaults', '-S', self.sock, 'ping'],
                                  capture_output=True).returncode == 0
        wait_for(up, 60, 'mariadbd in %s' % self.root)

    def network(self):
        """mariadbd's options for its network: none (the socket only)."""
        return ['--skip-networking']

    def ping(self):
        """Whether mariadb-admin ping answers (no wait beyond its own)."""
        return subprocess.run(['mariadb-admin', '--no-defaults', '--connect-timeout=1', '-S', self.sock,
                               'ping'], capture_output=True).returncode == 0

    def kill(self):
        """SIGKILL mariadbd (a crash: no clean shutdown); start_again() recovers it."""
        os.kill(self.proc.p.pid, signal.SIGKILL)
        self.proc.p.wait()
        self.proc = None

    def freeze(self):
        """SIGSTOP mariadbd: it holds its connections and answers nothing."""
        os.kill(self.proc.p.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.proc.p.pid, signal.SIGCONT)

    def sql(self, text, db='jwtauth'):
        argv = ['mariadb', '--no-defaults', '-S', self.sock, '--batch', '--skip-column-names']
        if db:
            argv.append(db)
        p = subprocess.run(argv, input=text, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError('SQL failed: %s' % p.stderr.strip())
        return p.stdout

    def stop(self):
        if self.proc:
            self.proc.stop()
            self.proc = None


class TcpMariaDB(MariaDB):
    """A MariaDB of its own on a free loopback TCP port (port), for tests of [db] hosts: started
    with --port and --bind-address=127.0.0.1 (its socket in root stays, for the owner's tools:
    sql(), migrate(), ping), migrated with jwtauth's schema, and the service's user granted from
    127.0.0.1 too (MariaDB matches 'jwtauth'@'localhost' for socket connections only).  root is
    created; keep it short (the socket's path is limited to 108 bytes).  kill(), freeze(), thaw()
    and start_again() as for MariaDB; the port stays the same."""

    def __init__(self, root, port=None):
        os.makedirs(root, exist_ok=True)
        MariaDB.__init__(self, root)
        self.port = port or free_port()

    def start(self):
        MariaDB.start(self)
        self.sql("CREATE USER 'jwtauth'@'127.0.0.1' IDENTIFIED BY '%s';"
                 "GRANT SELECT, INSERT, UPDATE, DELETE ON jwtauth.* TO 'jwtauth'@'127.0.0.1';"
                 % self.password, db=None)
        return self

    def network(self):
        return ['--port=%d' % self.port, '--bind-address=127.0.0.1']


FRONTEND = os.path.join(SRC, 'tools', 'frontend.py')


class Frontend:
    """A web server from tools/frontend.py (the same code ./dev run uses) on a free
    loopback port, in front of the build's binaries."""

    def __init__(self, root, server, config_path, extra_env=None):
        self.root = root
        self.server = server
        self.config_path = config_path
        self.port = free_port()
        self.proc = None
        self.extra_env = extra_env or {}
        self.state = os.path.join(root, 'frontend')

    def start(self):
        argv = [sys.executable, FRONTEND, '--server', self.server, '--port', str(self.port),
                '--state', self.state, '--libexec', os.path.join(BUILD, 'cgi-bin'),
                '--config', self.config_path, '--share', BUILD, '--share', SRC]
        for kv in sorted(self.extra_env.items()):
            argv += ['--setenv', '%s=%s' % kv]
        self.proc = Proc(argv, os.path.join(self.root, 'frontend-tool.log'))

        def up():
            if not self.proc.alive():
                raise RuntimeError('frontend.py exited: see %s/frontend-tool.log' % self.root)
            try:
                socket.create_connection(('127.0.0.1', self.port), 0.2).close()
                return True
            except OSError:
                return False
        wait_for(up, 60, self.server)

    def stop(self):
        if self.proc:
            self.proc.stop()

    def pause_supervision(self, paused):
        """SIGSTOP/SIGCONT the tool, so dead spawn-fcgi backends stay dead."""
        os.kill(self.proc.p.pid, signal.SIGSTOP if paused else signal.SIGCONT)

    def endpoint_pgid(self, ep):
        """Process group of a spawn-fcgi endpoint (spawn modes only)."""
        with open(os.path.join(self.state, 'spawn', '%s.pid' % ep)) as fh:
            return int(fh.read())

    def logs(self):
        text = ''
        for d, _, files in os.walk(self.root):
            for name in files:
                if name.endswith('.log'):
                    with open(os.path.join(d, name), errors='replace') as fh:
                        text += fh.read()
        return text

    def sanitizer_reports(self):
        """Sanitizer lines the binaries wrote (their stderr goes to the servers' logs)."""
        return [l for l in self.logs().splitlines()
                if 'AddressSanitizer' in l or 'LeakSanitizer' in l or 'runtime error:' in l]


# The answers the tests get, for tests/e2e/openapi_check.py: run-e2e names the file
# (record_to) and the test running (record_tag); each answer becomes one JSON line.
RECORD = {'path': None, 'tag': '', 'lock': threading.Lock()}


def record_to(path):
    """Record every answer from now on to path (emptied first)."""
    open(path, 'w').close()
    RECORD['path'] = path


def record_tag(tag):
    RECORD['tag'] = tag


def record_answer(method, target, status, headers, body):
    """One answer: the request's method and target (path?query), the status, the
    headers ((name, value) pairs) and the body (JSON when it parses as JSON)."""
    if RECORD['path'] is None:
        return
    path, _, query = target.partition('?')
    try:
        parsed, kind = (json.loads(body.decode('utf-8')), 'json') if body else (None, 'empty')
    except ValueError:
        parsed, kind = None, 'other'
    line = json.dumps({'tag': RECORD['tag'], 'method': method, 'path': path, 'query': query, 'status': status,
                       'headers': [[k.lower(), v] for k, v in headers], 'kind': kind, 'body': parsed}) + '\n'
    with RECORD['lock'], open(RECORD['path'], 'a') as fh:
        fh.write(line)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers      # list of (name, value)
        self.body = body
        self.text = body.decode('utf-8', 'replace')
        try:
            self.json = json.loads(self.text) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        vals = [v for k, v in self.headers if k.lower() == name.lower()]
        return ', '.join(vals) if vals else None

    def __repr__(self):
        return '<%d %s %r>' % (self.status, self.header('content-type'), self.text[:300])


class Stack:
    """MariaDB + config + lighttpd in one temporary directory."""

    def __init__(self, mode, config_extra='', env=None, mail=None):
        self.mode = mode
        # Unix socket paths are limited to 108 bytes: keep the directory short.
        self.root = tempfile.mkdtemp(prefix='jwtauth-e2e-', dir='/tmp')
        if os.getuid() == 0:
            os.chmod(self.root, 0o755)      # Apache's children run as www-data
        self.db = MariaDB(self.root)
        self.mail_dir = os.path.join(self.root, 'mail')
        os.makedirs(self.mail_dir)
        os.chmod(self.mail_dir, 0o1777)     # whichever user the binaries run as
        self.config_path = os.path.join(self.root, 'jwtauth.conf')
        # The browser test's page is served from http://localhost:<browser_port>; an
        # allowed origin by default (the seed's), or added when 3000 is taken.
        self.browser_port = browser_origin_port()
        if self.browser_port != 3000:
            config_extra += ('\n[cors]\nallowed_origins = http://localhost:3000 http://127.0.0.1:3000 '
                             'http://localhost:%d\n' % self.browser_port)
        self.config_extra = config_extra
        self.env = env or {}
        self.web = None
        self.mail = mail or {'backend': 'file', 'dir': self.mail_dir, 'from': 'jwtauth@example.org'}

    def write_config(self, mail=None):
        """(Re)write jwtauth.conf; CGI binaries read it on every request."""
        if mail is not None:
            self.mail = mail
        with open(self.config_path, 'w') as fh:
            fh.write('[jwtauth]\nsecret_key = %s\npassword_hash_cost = 1\n%s\n'
                     '[db]\nsocket = %s\nname = jwtauth\nuser = jwtauth\npassword = %s\n[mail]\n'
                     % (SECRET, self.config_extra, self.db.sock, self.db.password))
            for k, v in self.mail.items():
                fh.write('%s = %s\n' % (k, v))
            # password_hash_cost = 1 keeps the tests fast; the minimums would refuse it.
            fh.write('[password]\nenforce_hash_cost = 0\n')
        os.chmod(self.config_path, 0o644)

    def start(self):
        self.db.start()
        self.write_config()
        self.web = Frontend(self.root, self.mode, self.config_path, self.env)
        self.web.start()
        return self

    def stop(self, keep=False):
        if self.web:
            self.web.stop()
        self.db.stop()
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)

    @property
    def port(self):
        return self.web.port

    def request(self, method, path, body=None, headers=None, json_body=None, form=None, timeout=30):
        hdrs = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs.setdefault('Content-Type', 'application/json')
        elif form is not None:
            body = urllib.parse.urlencode(form).encode()
            hdrs.setdefault('Content-Type', 'application/x-www-form-urlencoded')
        if isinstance(body, str):
            body = body.encode()
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            if body is not None and 'Content-Length' not in hdrs:
                hdrs['Content-Length'] = str(len(body))
            for k, v in hdrs.items():
                conn.putheader(k, v)
            conn.endheaders(body)
            r = conn.getresponse()
            res = Response(r.status, r.getheaders(), r.read())
            record_answer(method, path, res.status, res.headers, res.body)
            return res
        finally:
            conn.close()


class Tap:
    """TAP output for automake's tap-driver.sh."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=None):
        self.n += 1
        if not cond:
            self.failed += 1
        print('%sok %d - %s' % ('' if cond else 'not ', self.n, name), flush=True)
        if not cond and detail is not None:
            for line in str(detail).splitlines()[:40]:
                print('#   ' + line, flush=True)
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, 'got:  %r\nwant: %r' % (got, want))

    def skip(self, name, why):
        """A test point that does not apply here (TAP SKIP, counted apart)."""
        self.n += 1
        print('ok %d - %s # SKIP %s' % (self.n, name, why), flush=True)

    def done(self):
        print('1..%d' % self.n, flush=True)
        return 1 if self.failed else 0


class Sibling:
    """Another front end of stack s's mode on s's MariaDB and mail folder, with a
    configuration of its own: what a second web host or a changed configuration is.
    config is the text after a [jwtauth] header (its keys, then any sections); the
    [db] and [mail] sections are s's, and password_hash_cost = 1 with the minimums off,
    as s has them.  restart(config) stops the web server, rewrites the file and starts
    it again.  Its logs stay under s.root, where s.web.sanitizer_reports() reads."""

    def __init__(self, s, name, config):
        self.s = s
        self.mode = s.mode
        self.db = s.db
        self.mail_dir = s.mail_dir
        self.root = os.path.join(s.root, name)
        os.makedirs(self.root)
        os.chmod(self.root, 0o755)
        self.config_path = os.path.join(self.root, 'jwtauth.conf')
        self.web = None
        self.write_config(config)

    def write_config(self, config):
        with open(self.config_path, 'w') as fh:
            fh.write('[jwtauth]\npassword_hash_cost = 1\n[password]\nenforce_hash_cost = 0\n'
                     '[db]\nsocket = %s\nname = jwtauth\nuser = jwtauth\npassword = %s\n[mail]\n'
                     % (self.s.db.sock, self.s.db.password))
            for k, v in self.s.mail.items():
                fh.write('%s = %s\n' % (k, v))
            fh.write('[jwtauth]\n' + config)
        os.chmod(self.config_path, 0o644)

    def start(self):
        self.web = Frontend(self.root, self.mode, self.config_path, self.s.env)
        self.web.start()
        return self

    def stop(self):
        if self.web:
            self.web.stop()
            self.web = None

    def restart(self, config):
        self.stop()
        self.write_config(config)
        return self.start()

    @property
    def port(self):
        return self.web.port

    request = Stack.request
