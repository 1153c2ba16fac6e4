"""The reset mail over real SMTP: aiosmtpd on loopback with STARTTLS (a
self-signed certificate the test trusts through mail.ca_file) and AUTH, and
every way sending can fail, each of which must answer 503 and change nothing.
Runs jwtauth as CGI under lighttpd so each scenario only rewrites the
configuration file."""
import errno
import glob
import json
import os
import socket
import subprocess
import time

import harness
from api import P_LOGIN, P_RESET, P_SEND_RESET, errors, new_email, register, reset_secrets

import email as emaillib
import email.policy


class Smtpd:
    def __init__(self, root, *flags):
        self.port = harness.free_port()
        self.out = os.path.join(root, 'smtp-%d' % self.port)
        os.makedirs(self.out)
        self.proc = harness.Proc(['/usr/bin/python3', os.path.join(os.path.dirname(__file__), 'smtpd.py'),
                                  '--port', str(self.port), '--out', self.out,
                                  '--cert', os.path.join(root, 'cert.pem'), '--key', os.path.join(root, 'key.pem')]
                                 + list(flags), os.path.join(root, 'smtpd-%d.log' % self.port))

        def up():
            if not self.proc.alive():
                raise RuntimeError('smtpd exited: see %s' % root)
            try:
                socket.create_connection(('127.0.0.1', self.port), 0.2).close()
                return True
            except OSError:
                return False
        harness.wait_for(up, 20, 'smtpd')

    def messages(self):
        out = []
        for name in sorted(glob.glob(os.path.join(self.out, '*.eml'))):
            with open(name, 'rb') as fh:
                msg = emaillib.message_from_bytes(fh.read(), policy=email.policy.compat32)
            with open(name[:-4] + '.env') as fh:
                out.append((msg, json.load(fh)))
        return out

    def stop(self):
        self.proc.stop()


class Silent:
    """Accepts TCP connections and never says a word (a hung server)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]

    def stop(self):
        self.sock.close()


def mail_conf(s, port, user='mailer', password='app-password', url=None):
    return {'backend': 'smtp', 'url': url or 'smtp://127.0.0.1:%d' % port, 'user': user,
            'password': password, 'from': 'noreply@jwtauth.example', 'ca_file': os.path.join(s.root, 'cert.pem'),
            'connect_timeout': 3, 'timeout': 4}


def row(s, uid):
    return s.db.sql('SELECT password, updated_at, last_login FROM accounts_user WHERE id=%d' % uid)


def users(s):
    return s.db.sql('SELECT COUNT(*), MAX(id) FROM accounts_user')


# [mail] timeout for the server that never answers.
SILENT_TIMEOUT = 2


def fill(d):
    """Write to d until its file system is full: the filler file's path."""
    path = os.path.join(d, 'filler')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b'x' * 1024)
    except OSError as e:
        if e.errno != errno.ENOSPC:
            raise
    finally:
        os.close(fd)
    return path


def disk_full(s, t, addr, uid, fail):
    """The file backend on a full file system: a 64 KiB tmpfs as mail.dir, filled up.
    The write fails: 503, no file left behind (the temporary one is removed), the user
    unchanged; with space again the mail is written."""
    if os.getuid() != 0:
        t.skip('[mail-file] disk full', 'mounting a tmpfs needs root')
        return
    d = os.path.join(s.root, 'mail-full')
    os.makedirs(d)
    p = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=64k,mode=1777', 'jwtauth-e2e-full', d],
                       capture_output=True, text=True)
    if p.returncode != 0:
        t.skip('[mail-file] disk full', 'mount -t tmpfs failed: %s' % p.stderr.strip())
        return
    try:
        s.write_config({'backend': 'file', 'dir': d, 'from': 'noreply@jwtauth.example'})
        filler = fill(d)
        # The mail sent above used this minute's one ([throttle] reset_address_limit).
        s.db.sql("UPDATE jwtauth_throttle SET window_end = 0 WHERE scope = 'reset_address'")
        t.eq(os.statvfs(d).f_bavail, 0, '[mail-file] the mail folder\'s file system is full')
        before, count = row(s, uid), users(s)
        for i in range(2):
            r = s.request('POST', P_SEND_RESET, json_body={'email': addr})
            t.eq((r.status, r.json), (503, fail), '[mail-file] disk full (try %d): 503 with a JSON error' % (i + 1))
        t.eq(sorted(os.listdir(d)), ['filler'], '[mail-file] disk full: no mail and no temporary file left')
        t.eq((row(s, uid), users(s)), (before, count), '[mail-file] disk full: nothing changed in the database')
        t.ok('No space left on device' in s.web.logs(), '[mail-file] disk full: the reason is logged')
        os.unlink(filler)
        r = s.request('POST', P_SEND_RESET, json_body={'email': addr})
        t.eq(r.status, 200, '[mail-file] space again: 200')
        names = sorted(os.listdir(d))
        t.ok(len(names) == 1 and names[0].endswith('.eml'), '[mail-file] space again: one mail file', names)
        if len(names) == 1:
            with open(os.path.join(d, names[0]), 'rb') as fh:
                u, tok, _ = reset_secrets(emaillib.message_from_bytes(fh.read(), policy=email.policy.compat32))
            r = s.request('POST', '%s%s/%s/' % (P_RESET, u, tok), json_body={'password': 'After-full-1',
                                                                           'password2': 'After-full-1'})
            t.eq(r.status, 200, '[mail-file] space again: the mailed token resets the password')
    finally:
        subprocess.run(['umount', '-l', d], capture_output=True)


def run(t):
    s = harness.Stack('lighttpd-cgi')
    try:
        s.start()
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
                        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
                        '-keyout', os.path.join(s.root, 'key.pem'), '-out', os.path.join(s.root, 'cert.pem')],
                       check=True, capture_output=True)
    except Exception as e:
        t.ok(False, '[smtp] start MariaDB, lighttpd and make a certificate', e)
        s.stop(keep=True)
        return
    keep = False
    before_failed = t.failed
    try:
        email, uid, access, _ = register(s)
        good = Smtpd(s.root)
        s.write_config(mail_conf(s, good.port))
        r = s.request('POST', P_SEND_RESET, json_body={'email': email})
        t.eq(r.status, 200, '[smtp] STARTTLS + AUTH: 200')
        msgs = good.messages()
        if t.eq(len(msgs), 1, '[smtp] the server got one message'):
            m, env = msgs[0]
            t.eq((env['mail_from'], env['rcpt_tos'], env['tls'], env['auth']),
                 ('noreply@jwtauth.example', [email], True, True), '[smtp] envelope over TLS after AUTH')
            t.eq((m['Subject'], m['From'], m['To'], m['Content-Type'], m['MIME-Version']),
                 ('Reset Your Password', 'noreply@jwtauth.example', email, 'text/plain; charset="utf-8"', '1.0'),
                 '[smtp] headers')
            t.ok(m['Date'] is not None and m['Message-ID'] is not None, '[smtp] Date and Message-ID')
            u, tok, _ = reset_secrets(m)
            r = s.request('POST', '%s%s/%s/' % (P_RESET, u, tok), json_body={'password': 'Via-smtp-1',
                                                                           'password2': 'Via-smtp-1'})
            t.eq(r.status, 200, '[smtp] the mailed uid and token reset the password')
            t.eq(s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Via-smtp-1'}).status, 200,
                 '[smtp] and the new password logs in')
        r = s.request('POST', P_SEND_RESET, json_body={'email': new_email('nobody')})
        t.eq(r.status, 400, '[smtp] unknown address: 400, nothing sent')
        t.eq(len(good.messages()), 1, '[smtp] still one message')
        good.stop()

        fail = errors(detail='The password reset email could not be sent. Try again later.')
        scenarios = []
        dead_port = harness.free_port()
        scenarios.append(('server down', None, mail_conf(s, dead_port)))
        scenarios.append(('STARTTLS not offered', Smtpd(s.root, '--no-tls'), None))
        scenarios.append(('AUTH rejected', Smtpd(s.root, '--bad-auth'), None))
        scenarios.append(('wrong password', Smtpd(s.root), {'password': 'not-the-password'}))
        scenarios.append(('RCPT answered 450', Smtpd(s.root, '--rcpt-code', '450'), None))
        scenarios.append(('RCPT answered 550', Smtpd(s.root, '--rcpt-code', '550'), None))
        scenarios.append(('certificate not trusted', Smtpd(s.root), {'ca_file': '/etc/ssl/certs/ca-certificates.crt'}))
        scenarios.append(('STARTTLS offered, then refused (454)', Smtpd(s.root, '--refuse-starttls'), None))
        scenarios.append(('DATA answered 451', Smtpd(s.root, '--data-code', '451'), None))
        # Hung servers: bounded by [mail] connect_timeout (libcurl counts the greeting as
        # connecting) and timeout (the whole exchange), set low here: the answer must come
        # within timeout + 3 s (libcurl looks at the clock once a second while it waits for
        # a reply, again while it closes, and the CGI process has to start).  Before the fix in mail.c, a server hung after DATA held
        # the request 2 x 120 s whatever the timeout said (libcurl 7.88's reply wait).
        silent = Silent()
        quiet = mail_conf(s, silent.port)
        quiet.update(connect_timeout=1, timeout=SILENT_TIMEOUT)
        scenarios.append(('server never answers', silent, quiet))
        stalled = Smtpd(s.root, '--stall-data')
        scenarios.append(('server hangs after DATA', stalled, {'connect_timeout': 1, 'timeout': SILENT_TIMEOUT}))
        # One reset mail a minute per address ([throttle] reset_address_limit): the minute
        # of the mail above passes; a mail that fails is given back, so each scenario may try.
        s.db.sql("UPDATE jwtauth_throttle SET window_end = 0 WHERE scope = 'reset_address'")
        count = users(s)
        for name, srv, conf in scenarios:
            if isinstance(srv, Smtpd):
                c = mail_conf(s, srv.port)
                c.update(conf or {})
                conf = c
            s.write_config(conf)
            before = row(s, uid)
            started = time.time()
            r = s.request('POST', P_SEND_RESET, json_body={'email': email})
            took = time.time() - started
            t.eq((r.status, r.json), (503, fail), '[smtp] %s: 503 with a JSON error' % name)
            t.ok(took < 15, '[smtp] %s: answered in %.1f s (timeouts apply)' % (name, took))
            if srv is silent or srv is stalled:
                t.ok(took < SILENT_TIMEOUT + 3, '[smtp] %s: answered within [mail] timeout = %d s + 3 s (%.1f s)'
                     % (name, SILENT_TIMEOUT, took))
            t.eq(users(s), count, '[smtp] %s: no row added or removed' % name)
            t.eq(row(s, uid), before, '[smtp] %s: the user row is unchanged' % name)
            if isinstance(srv, Smtpd):
                t.eq(len(srv.messages()), 0, '[smtp] %s: nothing delivered' % name)
            t.eq(s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Via-smtp-1'}).status, 200,
                 '[smtp] %s: the password still works' % name)
            if srv is not None:
                srv.stop()
        # The server works again: the next request is sent (every failure above gave its
        # throttle count back, so the address may still have its mail this minute).
        good = Smtpd(s.root)
        s.write_config(mail_conf(s, good.port))
        r = s.request('POST', P_SEND_RESET, json_body={'email': email})
        t.eq(r.status, 200, '[smtp] after the failures, a working server: 200')
        t.eq(len(good.messages()), 1, '[smtp] after the failures, the mail is delivered')
        good.stop()
        disk_full(s, t, email, uid, fail)
        log = s.web.logs()
        t.ok('reset mail for user' in log and 'app-password' not in log and 'not-the-password' not in log,
             '[smtp] failures are logged, without the password')
        t.ok(not s.web.sanitizer_reports(), '[smtp] no sanitizer reports', '\n'.join(s.web.sanitizer_reports()[:10]))
    finally:
        keep = t.failed != before_failed
        s.stop(keep=keep)
        if keep:
            print('# [smtp] state kept in %s' % s.root, flush=True)
