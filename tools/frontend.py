#!/usr/bin/env python3
"""Start one of jwtauth's front ends on 127.0.0.1 from the shipped configuration
(only paths and the port are filled in), run until SIGTERM or SIGINT, then stop
everything it started, by pid.  Used by `./dev run --server NAME` and by the
end-to-end tests, so both run exactly the same thing.

    frontend.py --server NAME --port PORT --state DIR --libexec DIR --config FILE
                --share DIR [--setenv NAME=VALUE]... [--procs N] [--include FILE]...

NAME is one of
    lighttpd-fastcgi   lighttpd spawns the binaries (mod_fastcgi "bin-path")
    lighttpd-cgi       lighttpd runs them as CGI (mod_cgi)
    lighttpd-spawn     spawn-fcgi processes on unix sockets, lighttpd in front
    apache-fcgid       Apache's mod_fcgid starts them
    apache-cgi         Apache's mod_cgi, laid out as on shared hosting (.htaccess)
    apache-proxy-fcgi  spawn-fcgi processes on unix sockets, mod_proxy_fcgi in front
--share is the directory holding endpoints.list, lighttpd-conf/, apache-conf/ and
www/ (the admin page, served at /admin/, and errors/, the JSON error documents of
jwtauth-errors.conf) ($datadir/jwtauth after make install);
repeat it to search several (a build directory, which holds the generated
configurations, then the source tree).  --setenv passes variables to the
binaries (e.g. ASAN_OPTIONS).  The binaries find the configuration through
JWTAUTH_CONFIG, except with apache-cgi, where it sits beside them in cgi-bin/
unless --setenv JWTAUTH_CONFIG=... says otherwise.  --include adds a configuration
file of the web server's own after the shipped one (./dev bench serves its ceiling
responder that way).

Prints "ready" once the port answers.  spawn-fcgi processes are supervised the way
the shipped systemd units do it (Restart=always): one that dies is started again.
Standard library only.
"""
import argparse
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time

def share_file(a, *parts):
    """A shipped file: the first --share directory that has it."""
    for d in a.share:
        p = os.path.join(d, *parts)
        if os.path.exists(p):
            return p
    raise SystemExit('frontend: %s is in none of %s' % (os.path.join(*parts), ', '.join(a.share)))


def endpoints(a):
    """The endpoint names of endpoints.list (the one list), in its order."""
    names = []
    with open(share_file(a, 'endpoints.list')) as fh:
        for line in fh:
            f = line.split()
            if f and not f[0].startswith('#'):
                names.append(f[0])
    return names


SERVERS = ('lighttpd-fastcgi', 'lighttpd-cgi', 'lighttpd-spawn', 'apache-fcgid', 'apache-cgi',
           'apache-proxy-fcgi')
# The admin page's files (www/admin/), served at /admin/.
ADMIN_FILES = ('index.html', 'admin.css', 'admin.js')
APACHE_MODULES = ('mpm_prefork', 'authz_core', 'alias', 'mime', 'env', 'headers', 'rewrite', 'cgi',
                  'fcgid', 'proxy', 'proxy_fcgi', 'asis')
# The JSON error document of the shared-hosting layout (www/errors/, Apache's mod_asis).
APACHE_ERRORS = ('503.asis', '413.asis')
# mod_reqtimeout, enabled by default on Debian: the templates' RequestReadTimeout.
APACHE_MODULES += ('reqtimeout',)


def log(msg):
    print('frontend: %s' % msg, file=sys.stderr, flush=True)


def web_user():
    """Apache will not serve as root: its children run as www-data then."""
    if os.getuid() != 0:
        return pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    return 'www-data', 'www-data'


class Child:
    """A process we started, in its own process group, stopped by pid."""

    def __init__(self, argv, logfile, env=None):
        self.argv = argv
        self.logfile = logfile
        self.env = env
        self.p = None
        self.start()

    def start(self):
        with open(self.logfile, 'ab') as out:
            self.p = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, env=self.env,
                                      start_new_session=True)

    def alive(self):
        return self.p is not None and self.p.poll() is None

    def stop(self):
        if self.alive():
            try:
                os.killpg(self.p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()


class Spawner:
    """One spawn-fcgi per endpoint: unix socket, mode 0660, the binary in its place
    (-n), JWTAUTH_WORKERS processes accepting on it.  Restarted when it exits."""

    def __init__(self, a, env):
        self.dir = os.path.join(a.state, 'spawn')
        os.makedirs(self.dir, exist_ok=True)
        user, group = web_user()
        if os.getuid() == 0:
            os.chmod(self.dir, 0o750)
            os.chown(self.dir, 0, grp.getgrnam(group).gr_gid)
        env = dict(env)
        env.setdefault('JWTAUTH_WORKERS', str(a.procs))
        self.kids = {}
        for ep in endpoints(a):
            sock = os.path.join(self.dir, '%s.sock' % ep)
            argv = ['spawn-fcgi', '-n', '-s', sock, '-M', '0660']
            if os.getuid() == 0:
                argv += ['-G', group]
            argv += ['--', os.path.join(a.libexec, 'jwtauth-%s' % ep)]
            self.kids[ep] = Child(argv, os.path.join(a.state, 'spawn-%s.log' % ep), env)
        for ep in endpoints(a):
            sock = os.path.join(self.dir, '%s.sock' % ep)
            wait_for(lambda: os.path.exists(sock), 20, 'the %s socket' % ep, self.kids[ep])

        self.write_pids()

    def write_pids(self):
        """<endpoint>.pid: the process group of the endpoint (spawn-fcgi became the binary)."""
        for ep, kid in self.kids.items():
            with open(os.path.join(self.dir, '%s.pid' % ep), 'w') as fh:
                fh.write('%d\n' % kid.p.pid)

    def supervise(self):
        for ep, kid in self.kids.items():
            if not kid.alive():
                log('%s exited (%s); starting it again' % (ep, kid.p.returncode))
                kid.start()
                self.write_pids()

    def stop(self):
        for kid in self.kids.values():
            kid.stop()


def descendants(root):
    """{pid: (ppid, command line)} of every process below root (from /proc)."""
    procs = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % d) as fh:
                ppid = int(fh.read().rsplit(')', 1)[1].split()[1])
            with open('/proc/%s/cmdline' % d, 'rb') as fh:
                cmd = fh.read().replace(b'\0', b' ').decode('utf-8', 'replace')
        except (OSError, IndexError, ValueError):
            continue
        procs[int(d)] = (ppid, cmd)
    out, todo = {}, [root]
    while todo:
        p = todo.pop()
        for pid, (ppid, cmd) in procs.items():
            if ppid == p and pid not in out:
                out[pid] = (ppid, cmd)
                todo.append(pid)
    return out


def free_port():
    """A TCP port free on 127.0.0.1 now."""
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(pred, timeout, what, child=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        if child is not None and not child.alive():
            raise RuntimeError('%s: the process exited (see its log)' % what)
        time.sleep(0.05)
    raise RuntimeError('timed out waiting for %s' % what)


def lighttpd(a, env, conf_name):
    lines = [
        '# Written by tools/frontend.py: paths and port; the rest is the shipped configuration.',
        '# No such directory: every URL the API does not own is a 404, as in the original.',
        'server.document-root = "%s"' % os.path.join(a.state, 'no-document-root'),
        'server.bind = "127.0.0.1"',
        'server.port = %d' % a.port,
        'server.errorlog = "%s"' % os.path.join(a.state, 'lighttpd-error.log'),
        # Where lighttpd would spool request bodies: private, and looked at by the tests.
        'server.upload-dirs = ( "%s" )' % os.path.join(a.state, 'uploads'),
        'var.jwtauth_libexec = "%s"' % a.libexec,
        'var.jwtauth_rundir = "%s"' % os.path.join(a.state, 'spawn' if conf_name == 'spawn' else 'fcgi'),
        'var.jwtauth_config = "%s"' % a.config,
        'var.jwtauth_procs = %d' % a.procs,
        'include "%s"' % share_file(a, 'lighttpd-conf', 'jwtauth-%s.conf' % conf_name),
        'var.jwtauth_www = "%s"' % share_file(a, 'www'),
        'include "%s"' % share_file(a, 'lighttpd-conf', 'jwtauth-admin.conf'),
        'include "%s"' % share_file(a, 'lighttpd-conf', 'jwtauth-errors.conf'),
    ] + ['include "%s"' % f for f in a.include]
    if conf_name == 'cgi' and env:
        # mod_cgi gives the CGI programs a fresh environment.
        lines.append('setenv.add-environment += (%s)' % ', '.join(
            '"%s" => "%s"' % kv for kv in sorted(env.items()) if kv[0] != 'JWTAUTH_CONFIG'))
    os.makedirs(os.path.join(a.state, 'fcgi'), mode=0o700, exist_ok=True)
    os.makedirs(os.path.join(a.state, 'uploads'), mode=0o700, exist_ok=True)
    conf = os.path.join(a.state, 'lighttpd.conf')
    with open(conf, 'w') as fh:
        fh.write('\n'.join(lines) + '\n')
    check = subprocess.run(['lighttpd', '-tt', '-f', conf], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError('lighttpd rejects %s: %s' % (conf, check.stderr.strip()))
    full = dict(os.environ)
    full.update(env)
    full['JWTAUTH_CONFIG'] = a.config
    return Child(['lighttpd', '-D', '-f', conf], os.path.join(a.state, 'frontend.log'), full)


def apache(a, env, mode):
    root = os.path.join(a.state, 'apache')
    os.makedirs(root, exist_ok=True)
    user, group = web_user()
    mods = '/usr/lib/apache2/modules'
    lines = ['# Written by tools/frontend.py: paths and port; the rest is the shipped configuration.',
             'ServerRoot "%s"' % root, 'ServerName 127.0.0.1', 'Listen 127.0.0.1:%d' % a.port,
             'PidFile "%s"' % os.path.join(root, 'httpd.pid'),
             'ErrorLog "%s"' % os.path.join(a.state, 'apache-error.log'), 'LogLevel warn',
             'TypesConfig /etc/mime.types', 'User %s' % user, 'Group %s' % group,
             'StartServers 2', 'MinSpareServers 2', 'MaxSpareServers 4', 'MaxRequestWorkers 16',
             'Mutex file:%s default' % root, 'DefaultRuntimeDir "%s"' % root]
    lines += ['LoadModule %s_module %s/mod_%s.so' % (m, mods, m) for m in APACHE_MODULES]
    for k, v in sorted(env.items()):
        lines.append('SetEnv %s "%s"' % (k, v))          # mod_cgi, proxied requests
        if mode == 'fcgid':
            lines.append('FcgidInitialEnv %s "%s"' % (k, v))
    lines.append('FcgidIPCDir "%s"' % os.path.join(root, 'fcgid'))
    lines.append('FcgidProcessTableFile "%s"' % os.path.join(root, 'fcgid-shm'))
    if mode == 'cgi':
        www = os.path.join(a.state, 'www')
        cgibin = os.path.join(www, 'cgi-bin')
        shutil.rmtree(www, ignore_errors=True)
        os.makedirs(cgibin)
        shutil.copy(share_file(a, 'apache-conf', 'shared-hosting', 'htaccess'),
                    os.path.join(www, '.htaccess'))
        shutil.copy(share_file(a, 'apache-conf', 'shared-hosting', 'cgi-bin.htaccess'),
                    os.path.join(cgibin, '.htaccess'))
        os.makedirs(os.path.join(www, 'admin'))
        for name in ADMIN_FILES:                   # the admin page, as a user uploads it
            shutil.copy(share_file(a, 'www', 'admin', name), os.path.join(www, 'admin', name))
        os.makedirs(os.path.join(www, 'jwtauth-errors'))
        for name in APACHE_ERRORS:                 # the error document, likewise
            shutil.copy(share_file(a, 'www', 'errors', name), os.path.join(www, 'jwtauth-errors', name))
        wrappers = False
        for ep in endpoints(a):
            src = os.path.join(a.libexec, 'jwtauth-%s' % ep)
            with open(src, 'rb') as fh:
                wrappers = fh.read(2) == b'#!'
            if wrappers:
                os.symlink(src, os.path.join(cgibin, 'jwtauth-%s' % ep))   # a libtool wrapper
            else:
                shutil.copy(src, os.path.join(cgibin, 'jwtauth-%s' % ep))  # as on a shared host
        if wrappers and 'JWTAUTH_CONFIG' not in env:
            # An uninstalled build: the real binaries live elsewhere, so use the
            # other documented way, SetEnv in cgi-bin/.htaccess.
            with open(os.path.join(cgibin, '.htaccess'), 'a') as fh:
                fh.write('SetEnv JWTAUTH_CONFIG "%s"\n' % a.config)
        elif 'JWTAUTH_CONFIG' not in env:
            shutil.copy(a.config, os.path.join(cgibin, 'jwtauth.conf'))  # found beside the binaries
            if os.getuid() == 0:
                os.chown(os.path.join(cgibin, 'jwtauth.conf'), 0, grp.getgrnam(group).gr_gid)
                os.chmod(os.path.join(cgibin, 'jwtauth.conf'), 0o640)
        lines += ['DocumentRoot "%s"' % www, '<Directory "%s">' % www, '    AllowOverride All',
                  '    Require all granted', '</Directory>']
    else:
        # An empty document root; without mod_dir even "/" is a 404.
        os.makedirs(os.path.join(a.state, 'empty-document-root'), exist_ok=True)
        lines += ['DocumentRoot "%s"' % os.path.join(a.state, 'empty-document-root'),
                  'Define JWTAUTH_LIBEXEC "%s"' % a.libexec, 'Define JWTAUTH_CONFIG "%s"' % a.config,
                  'Define JWTAUTH_RUNDIR "%s"' % os.path.join(a.state, 'spawn'),
                  'Include "%s"' % share_file(a, 'apache-conf', 'jwtauth-%s.conf' % mode),
                  'Define JWTAUTH_WWW "%s"' % share_file(a, 'www'),
                  'Include "%s"' % share_file(a, 'apache-conf', 'jwtauth-admin.conf'),
                  'Include "%s"' % share_file(a, 'apache-conf', 'jwtauth-errors.conf')]
    lines += ['Include "%s"' % f for f in a.include]
    os.makedirs(os.path.join(root, 'fcgid'), exist_ok=True)
    if os.getuid() == 0:
        for d in (root, os.path.join(root, 'fcgid')):
            os.chown(d, pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid)
    conf = os.path.join(root, 'httpd.conf')
    with open(conf, 'w') as fh:
        fh.write('\n'.join(lines) + '\n')
    check = subprocess.run(['apache2', '-t', '-f', conf], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError('apache2 rejects %s: %s' % (conf, check.stderr.strip()))
    full = dict(os.environ)
    full.update(env)
    return Child(['apache2', '-f', conf, '-DFOREGROUND'], os.path.join(a.state, 'frontend.log'), full)


def unwrap(a, env):
    """An uninstalled libtool build: the programs in a.libexec are shell wrappers that set
    LD_LIBRARY_PATH and exec .libs/PROGRAM.  Under CGI a wrapper would run per request (a
    shell and its sed, some 200 ms on a busy machine against 30 ms for the program): use the
    real programs and the wrapper's LD_LIBRARY_PATH instead.  Installed or static programs are
    left as they are."""
    import re
    real = os.path.join(a.libexec, '.libs')
    try:
        with open(os.path.join(a.libexec, 'jwtauth-%s' % endpoints(a)[0]), 'rb') as fh:
            text = fh.read(65536)
    except OSError:
        return
    m = re.search(rb'\n\s*LD_LIBRARY_PATH="([^"$:]+):\$LD_LIBRARY_PATH"', text)
    if not text.startswith(b'#!') or m is None or not os.path.isdir(real):
        return
    a.libexec = real
    env['LD_LIBRARY_PATH'] = m.group(1).decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--server', required=True, choices=SERVERS)
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--state', required=True)
    ap.add_argument('--libexec', required=True)
    ap.add_argument('--config', required=True)
    ap.add_argument('--share', required=True, action='append',
                    help='where the shipped files are; repeat to search several')
    ap.add_argument('--setenv', action='append', default=[])
    ap.add_argument('--procs', type=int, default=2)
    ap.add_argument('--include', action='append', default=[],
                    help="the web server's own configuration, added after the shipped one")
    a = ap.parse_args()
    for k in ('state', 'libexec', 'config'):
        setattr(a, k, os.path.abspath(getattr(a, k)))
    a.include = [os.path.abspath(f) for f in a.include]
    a.share = [os.path.abspath(d) for d in a.share]
    env = dict(kv.split('=', 1) for kv in a.setenv)
    if a.server.endswith('-cgi'):
        unwrap(a, env)
    os.makedirs(a.state, exist_ok=True)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    spawner = web = None
    try:
        if a.server.endswith('spawn') or a.server.endswith('proxy-fcgi'):
            spawner = Spawner(a, {**os.environ, **env, 'JWTAUTH_CONFIG': a.config})
        kind, mode = a.server.split('-', 1)
        web = lighttpd(a, env, mode) if kind == 'lighttpd' else apache(a, env, mode)

        def up():
            try:
                socket.create_connection(('127.0.0.1', a.port), 0.2).close()
                return True
            except OSError:
                return False
        wait_for(up, 30, '%s on port %d' % (a.server, a.port), web)
        print('ready', flush=True)
        while not stop:
            if not web.alive():
                raise RuntimeError('%s exited (see %s)' % (a.server, a.state))
            if spawner:
                spawner.supervise()
            time.sleep(0.2)
        return 0
    except RuntimeError as e:
        log(str(e))
        return 1
    finally:
        if web:
            web.stop()
        if spawner:
            spawner.stop()


if __name__ == '__main__':
    sys.exit(main())
