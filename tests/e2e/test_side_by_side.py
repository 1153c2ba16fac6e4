"""The original and jwtauth side by side on one database (issue 13, part 1).

The original is tools/reference/ (the seed's code on Debian 12's Django 3.2, DRF 3.14 and
simplejwt 5.2.2) under gunicorn; jwtauth is the build's binaries behind lighttpd-fastcgi.
Both use one private MariaDB and one signing key (jwtauth's secret_key is Django's
SECRET_KEY), each writes its mail to files.  The database is set up as an operator does it
(README "Running the original beside jwtauth"): jwtauth-admin migrate as the database's
owner, then Django's own commands, as the Django database user:

    manage.py migrate --fake-initial                       # the verbatim seed
    REF_TOKEN_BLACKLIST=1 manage.py migrate token_blacklist --fake
    REF_TOKEN_BLACKLIST=1 manage.py migrate --fake-initial
    REF_TOKEN_BLACKLIST=1 manage.py makemigrations --check --dry-run

Two originals run: the verbatim seed (ORIG), and the same with simplejwt's blacklist app and
its TokenBlacklistView (REF_TOKEN_BLACKLIST=1, ORIGB), for the blacklist tables both share.
Every check goes both ways.  Where the two answer differently to the same request, the
difference is printed ("# difference: ...") and, unless SPEC_OVERRIDES.md or the README
explains it, fails.

The checks that need jwtauth to write Django's hashes (password_hash = pbkdf2_sha256, branch
i13-hash) are SKIPped, saying so, when the build does not have it yet.
"""
import datetime
import os
import shutil
import socket
import subprocess
import tempfile
import time
import traceback

import harness
from api import (P_CHANGE, P_LOGIN, P_PROFILE, P_REFRESH, P_REGISTER, P_RESET, P_SEND_RESET, P_VERIFY,
                 jwt_parts, mails_since, new_email, reg_body, reset_secrets)

REF = os.path.join(harness.SRC, 'tools', 'reference')
P_BLACKLIST = '/api/user/token/blacklist/'
P_LOGOUT = '/api/user/logout/'
DJANGO_DB_USER = 'django'
DJANGO_DB_PASSWORD = 'side-by-side-django-db-password'
NEEDS_PBKDF2 = 'needs password_hash = pbkdf2_sha256 (branch i13-hash), not in this build'


class Original:
    """The original under gunicorn (tools/reference/), on stack root's MariaDB."""

    def __init__(self, root, name, db, mail_dir, blacklist):
        self.name = name
        self.root = root
        self.port = harness.free_port()
        self.mail_dir = mail_dir
        self.env = {'PATH': '/usr/bin:/bin', 'LC_ALL': 'C.UTF-8', 'REF_SECRET_KEY': harness.SECRET,
                    'REF_DB_SOCKET': db.sock, 'REF_DB_NAME': 'jwtauth', 'REF_DB_USER': DJANGO_DB_USER,
                    'REF_DB_PASSWORD': DJANGO_DB_PASSWORD, 'REF_MAIL_DIR': mail_dir}
        if blacklist:
            self.env['REF_TOKEN_BLACKLIST'] = '1'
        self.proc = None

    def manage(self, *args):
        """python3 manage.py ARGS as the operator runs it: (status, stdout + stderr)."""
        p = subprocess.run(['/usr/bin/python3', 'manage.py'] + list(args), cwd=REF, env=self.env,
                           capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout + p.stderr

    def start(self):
        self.proc = harness.Proc(['/usr/bin/python3', '-m', 'gunicorn', '--chdir', REF, '--workers', '2',
                                  '--bind', '127.0.0.1:%d' % self.port, '--graceful-timeout', '5',
                                  'refsite.wsgi:application'],
                                 os.path.join(self.root, 'gunicorn-%s.log' % self.name), env=self.env)

    def wait_up(self):
        def up():
            if not self.proc.alive():
                raise RuntimeError('gunicorn exited: see %s/gunicorn-%s.log' % (self.root, self.name))
            try:
                socket.create_connection(('127.0.0.1', self.port), 0.2).close()
                return True
            except OSError:
                return False
        harness.wait_for(up, 60, 'gunicorn')

    def stop(self):
        if self.proc:
            self.proc.stop()

    def request(self, *args, **kw):
        """harness's client; the original's answers are not recorded for openapi_check.py."""
        saved, harness.RECORD['path'] = harness.RECORD['path'], None
        try:
            return harness.Stack.request(self, *args, **kw)
        finally:
            harness.RECORD['path'] = saved


class Jwtauth:
    """jwtauth on lighttpd-fastcgi, configured as the operator does beside the original."""

    def __init__(self, root, db, mail_dir, pbkdf2):
        self.name = 'jwtauth'
        self.root = root
        self.mail_dir = mail_dir
        self.config_path = os.path.join(root, 'jwtauth.conf')
        with open(self.config_path, 'w') as fh:
            fh.write('[jwtauth]\nsecret_key = %s\n%s'
                     '[db]\nsocket = %s\nname = jwtauth\nuser = jwtauth\npassword = %s\n'
                     '[mail]\nbackend = file\ndir = %s\nfrom = jwtauth@example.org\n'
                     % (harness.SECRET, 'password_hash = pbkdf2_sha256\n' if pbkdf2 else '', db.sock,
                        db.password, mail_dir))
        os.chmod(self.config_path, 0o644)
        self.web = harness.Frontend(root, 'lighttpd-fastcgi', self.config_path)

    @property
    def port(self):
        return self.web.port

    request = harness.Stack.request


def pbkdf2_built():
    """Whether this build's jwtauth accepts password_hash = pbkdf2_sha256 (jwtauth-admin check's
    first line: "configuration ok", or FAILED with the reason)."""
    env = {'PATH': '/usr/bin:/bin', 'JWTAUTH_CONFIG': '/dev/null', 'JWTAUTH_SECRET_KEY': harness.SECRET,
           'JWTAUTH_PASSWORD_HASH': 'pbkdf2_sha256', 'JWTAUTH_DB_SOCKET': '/nonexistent/mysqld.sock'}
    p = subprocess.run([os.path.join(harness.BUILD, 'sbin', 'jwtauth-admin'), 'check'], env=env,
                       capture_output=True, text=True, timeout=60)
    first = (p.stdout.splitlines() or [''])[0].split()
    return first[:1] == ['configuration'] and first[-1:] == ['ok']


def headers_of(r):
    """The headers a client acts on, list-valued ones as lists (SPEC_OVERRIDES 10)."""
    out = (r.header('Content-Type'), r.header('WWW-Authenticate'))
    for name in ('Vary', 'Allow'):
        v = r.header(name)
        out += (v and [x.strip() for x in v.split(',')],)
    return out


class Run:
    """The checks, with the differences found."""

    def __init__(self, t, db, j, o, ob, pbkdf2):
        self.t, self.db, self.j, self.o, self.ob, self.pbkdf2 = t, db, j, o, ob, pbkdf2
        self.diffs = []

    def same(self, name, a, b, explained=None, text=False):
        """a and b, answers of two sides to the same request: status, body (JSON, or the
        raw text) and the headers of headers_of() must agree, unless explained (SPEC_OVERRIDES,
        README)."""
        ka = (a.status, a.text if text else a.json) + headers_of(a)
        kb = (b.status, b.text if text else b.json) + headers_of(b)
        if ka != kb:
            self.diffs.append('%s: %s %r / %s %r%s' % (name, a.who, ka, b.who, kb,
                                                       ' (%s)' % explained if explained else ''))
            print('# difference: %s' % self.diffs[-1], flush=True)
        return self.t.ok(ka == kb or explained is not None, 'side by side: %s: %s and %s answer alike'
                         % (name, a.who, b.who), 'got:  %r\nwant: %r' % (ka, kb))

    def req(self, side, method, path, **kw):
        r = side.request(method, path, **kw)
        r.who = side.name
        return r

    def register(self, side, email, password):
        r = self.req(side, 'POST', P_REGISTER, json_body=reg_body(email, password=password))
        self.t.eq(r.status, 201, 'side by side: %s registers %s' % (side.name, email))
        return r

    def login(self, side, email, password):
        return self.req(side, 'POST', P_LOGIN, json_body={'email': email, 'password': password})

    def hash_of(self, email):
        return self.db.sql("SELECT password FROM accounts_user WHERE email = '%s'" % email).strip()

    def uid_of(self, email):
        return int(self.db.sql("SELECT id FROM accounts_user WHERE email = '%s'" % email).strip())

    def logs_in(self, side, email, password, what, needs_pbkdf2=False):
        name = 'side by side: %s: %s logs in on %s' % (what, email, side.name)
        if needs_pbkdf2 and not self.pbkdf2:
            self.t.skip(name, NEEDS_PBKDF2)
            return None
        r = self.login(side, email, password)
        self.t.ok(r.status == 200 and sorted(r.json or {}) == ['access', 'refresh'], name, r)
        return r

    def refused_on_both(self, email, password, what):
        a, b = self.login(self.j, email, password), self.login(self.o, email, password)
        a.who, b.who = 'jwtauth', 'original'
        self.t.eq(a.status, 404, 'side by side: %s: %s refused on jwtauth' % (what, email))
        self.same('%s: login refused' % what, a, b)

    # ------------------------------------------------------------------ the checks
    def registration(self):
        t, j, o = self.t, self.j, self.o
        self.e_o, self.e_j = new_email('orig'), new_email('jwt')
        ro, rj = self.register(o, self.e_o, 'Orig-pass-1'), self.register(j, self.e_j, 'Jwt-pass-1')
        self.tok_o, self.tok_j = ro.json, rj.json
        for who, r, e in (('original', ro, self.e_o), ('jwtauth', rj, self.e_j)):
            t.eq(jwt_parts(r.json['access'])[1]['user_id'], self.uid_of(e),
                 'side by side: the token %s issued names the row\'s id' % who)
        t.eq((rj.status, sorted(rj.json), rj.header('Content-Type')),
             (ro.status, sorted(ro.json), ro.header('Content-Type')),
             'side by side: register answers alike (tokens aside)')
        h = self.hash_of(self.e_o)
        t.ok(h.startswith('pbkdf2_sha256$260000$'), 'side by side: the original wrote Django 3.2\'s hash', h)
        hj = self.hash_of(self.e_j)
        if self.pbkdf2:
            t.ok(hj.startswith('pbkdf2_sha256$260000$'), 'side by side: jwtauth wrote Django\'s hash', hj)
        else:
            t.skip('side by side: jwtauth wrote Django\'s hash', NEEDS_PBKDF2)
        # The same address, and in other case, on the other side: the seed's "already exists".
        for e in (self.e_o, self.e_j, self.e_o.upper(), self.e_j.split('@')[0] + '@EXAMPLE.COM'):
            a = self.req(j, 'POST', P_REGISTER, json_body=reg_body(e))
            b = self.req(o, 'POST', P_REGISTER, json_body=reg_body(e))
            t.eq(a.status, 400, 'side by side: %s taken on jwtauth' % e)
            self.same('register %s again' % e, a, b)
        t.eq(self.db.sql("SELECT COUNT(*) FROM accounts_user WHERE email IN ('%s', '%s')"
                         % (self.e_o, self.e_j)).strip(), '2', 'side by side: one row each')

    def logins(self):
        t, j, o = self.t, self.j, self.o
        before = self.hash_of(self.e_o)
        self.logs_in(j, self.e_o, 'Orig-pass-1', 'registered on the original')
        if self.pbkdf2:
            t.eq(self.hash_of(self.e_o), before, 'side by side: a login on jwtauth leaves Django\'s hash as is')
        else:
            t.skip('side by side: a login on jwtauth leaves Django\'s hash as is', NEEDS_PBKDF2)
        self.logs_in(o, self.e_o, 'Orig-pass-1', 'then on the original', needs_pbkdf2=True)
        before = self.hash_of(self.e_j)
        self.logs_in(o, self.e_j, 'Jwt-pass-1', 'registered on jwtauth', needs_pbkdf2=True)
        if self.pbkdf2:
            t.eq(self.hash_of(self.e_j), before, 'side by side: a login on the original leaves jwtauth\'s '
                 'hash as is (Django finds nothing to update)')
        self.logs_in(j, self.e_j, 'Jwt-pass-1', 'registered on jwtauth')
        # A wrong password: the same 404 on both.
        a, b = self.login(j, self.e_o, 'Wrong-pass-1'), self.login(o, self.e_o, 'Wrong-pass-1')
        a.who, b.who = 'jwtauth', 'original'
        self.same('login with a wrong password', a, b)

    def tokens(self):
        t = self.t
        for issuer, other, tok in ((self.o, self.j, self.tok_o), (self.j, self.o, self.tok_j)):
            what = 'tokens of %s on %s' % (issuer.name, other.name)
            auth = {'Authorization': 'Bearer ' + tok['access']}
            a, b = self.req(other, 'GET', P_PROFILE, headers=auth), self.req(issuer, 'GET', P_PROFILE, headers=auth)
            t.eq(a.status, 200, 'side by side: %s: profile' % what)
            self.same('%s: profile' % what, a, b, text=True)
            r = self.req(other, 'POST', P_REFRESH, json_body={'refresh': tok['refresh']})
            t.ok(r.status == 200 and sorted(r.json) == ['access'], 'side by side: %s: refresh' % what, r)
            if r.status == 200:
                back = self.req(issuer, 'GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
                t.eq(back.status, 200, 'side by side: %s: the refreshed access token works on %s'
                     % (what, issuer.name))
            for kind in ('access', 'refresh'):
                a = self.req(other, 'POST', P_VERIFY, json_body={'token': tok[kind]})
                b = self.req(issuer, 'POST', P_VERIFY, json_body={'token': tok[kind]})
                t.eq(a.status, 200, 'side by side: %s: verify the %s token' % (what, kind))
                self.same('%s: verify %s' % (what, kind), a, b)

    def reset(self):
        t = self.t
        mails = {}
        for sender, redeemer, email, old, new in ((self.o, self.j, self.e_o, 'Orig-pass-1', 'Reset-by-j-1'),
                                                  (self.j, self.o, self.e_j, 'Jwt-pass-1', 'Reset-by-o-1')):
            what = 'reset mail of %s redeemed on %s' % (sender.name, redeemer.name)
            seen = set(os.listdir(sender.mail_dir))
            r = self.req(sender, 'POST', P_SEND_RESET, json_body={'email': email})
            t.eq(r.status, 200, 'side by side: %s: sent' % what)
            got = mails_since(sender, seen)
            if not t.eq(len(got), 1, 'side by side: %s: one mail' % what):
                continue
            uid, tok, body = reset_secrets(got[0])
            mails[sender.name] = (got[0], body.replace(uid, 'UID').replace(tok, 'TOKEN'))
            path = '%s%s/%s/' % (P_RESET, uid, tok)
            r = self.req(redeemer, 'POST', path, json_body={'password': new, 'password2': new})
            t.ok(r.status == 200 and r.json == {'success': 'password reset successfully.'},
                 'side by side: %s' % what, r)
            # The link is spent on both (its HMAC covers the old hash).
            a = self.req(self.j, 'POST', path, json_body={'password': 'Again-1', 'password2': 'Again-1'})
            b = self.req(self.o, 'POST', path, json_body={'password': 'Again-1', 'password2': 'Again-1'})
            t.eq(a.status, 400, 'side by side: %s: the link is spent' % what)
            self.same('%s: the spent link again' % what, a, b)
            # The original first: without pbkdf2_sha256 jwtauth's login rewrites the hash.
            self.logs_in(self.o, email, new, what, needs_pbkdf2=redeemer is self.j)
            self.logs_in(self.j, email, new, what)
            self.refused_on_both(email, old, what + ', the old password')
            setattr(self, 'pw_' + ('o' if sender is self.o else 'j'), new)
        if len(mails) == 2:
            (mo, bo), (mj, bj) = mails['original'], mails['jwtauth']
            t.eq(bj, bo, 'side by side: the reset mails\' text is the same (uid and token aside)')
            t.eq((mj['Subject'], mj['To'] is not None), (mo['Subject'], True), 'side by side: the mails\' subject')
            if mj['From'] != mo['From']:
                self.diffs.append('reset mail From: jwtauth %r / original %r (SPEC_OVERRIDES 7: the configured '
                                  'sender)' % (mj['From'], mo['From']))
                print('# difference: %s' % self.diffs[-1], flush=True)

    def change(self):
        t = self.t
        for side, other in ((self.o, self.j), (self.j, self.o)):
            what = 'password changed on %s' % side.name
            email = new_email('chg')
            tok = self.register(side, email, 'Before-pass-1').json
            # A second session of the same user, on the same side, a second later (tokens
            # with the changing session's iat stay valid on jwtauth).
            time.sleep(1.05 - time.time() % 1)
            second = self.login(side, email, 'Before-pass-1').json
            auth = {'Authorization': 'Bearer ' + tok['access']}
            r = self.req(side, 'POST', P_CHANGE, headers=auth,
                         json_body={'password': 'After-pass-1', 'password2': 'After-pass-1'})
            t.eq(r.status, 200, 'side by side: %s' % what)
            self.logs_in(side, email, 'After-pass-1', what)
            self.logs_in(other, email, 'After-pass-1', what, needs_pbkdf2=side is self.j)
            self.refused_on_both(email, 'Before-pass-1', what + ', the old password')
            # The other session's access token after the change: jwtauth revokes it, the
            # original never did (README "Revocation on password change").
            a = self.req(self.j, 'GET', P_PROFILE, headers={'Authorization': 'Bearer ' + second['access']})
            b = self.req(self.o, 'GET', P_PROFILE, headers={'Authorization': 'Bearer ' + second['access']})
            t.eq(b.status, 200, 'side by side: %s: the original still takes the other session\'s token' % what)
            want = 401 if side is self.j else 200
            t.eq(a.status, want, 'side by side: %s: jwtauth %s the other session\'s token'
                 % (what, 'refuses' if want == 401 else 'takes'))
            self.same('%s: the other session\'s access token' % what, a, b,
                      explained='README "Revocation on password change": jwtauth refuses the tokens '
                                'issued before a change it made; the original knows nothing of it')

    def blacklist(self):
        t, j, ob, o = self.t, self.j, self.ob, self.o
        email = new_email('bl')
        self.register(o, email, 'Black-pass-1')
        uid = self.uid_of(email)
        # Every original's login first: without pbkdf2_sha256 jwtauth's login rewrites the hash.
        toks = {}
        for key, side in (('ob', ob), ('ob logout', ob), ('o 1', o), ('o 2', o), ('j', j)):
            toks[key] = self.login(side, email, 'Black-pass-1').json
        for k, v in sorted(toks.items()):
            t.ok(v and 'refresh' in v, 'side by side: blacklist: a login (%s)' % k, v)
        rows = {}
        for issuer, blacklister, tok in ((ob, j, toks['ob']), (j, ob, toks['j'])):
            what = 'refresh token of %s blacklisted on %s' % (issuer.name, blacklister.name)
            r = self.req(blacklister, 'POST', P_BLACKLIST, json_body={'refresh': tok['refresh']})
            t.ok(r.status == 200 and r.json == {}, 'side by side: %s: blacklisted' % what, r)
            a = self.req(j, 'POST', P_REFRESH, json_body={'refresh': tok['refresh']})
            b = self.req(ob, 'POST', P_REFRESH, json_body={'refresh': tok['refresh']})
            t.eq(b.status, 401, 'side by side: %s: refused by the original\'s refresh' % what)
            t.eq(a.status, 401, 'side by side: %s: refused by jwtauth\'s refresh' % what)
            self.same('%s: refresh' % what, a, b)
            c = self.req(o, 'POST', P_REFRESH, json_body={'refresh': tok['refresh']})
            if c.status == 200:
                self.diffs.append('%s: the verbatim original (no blacklist app) still refreshes it (expected: '
                                  'the seed does not install rest_framework_simplejwt.token_blacklist)' % what)
                print('# difference: %s' % self.diffs[-1], flush=True)
            a = self.req(j, 'POST', P_VERIFY, json_body={'token': tok['refresh']})
            b = self.req(ob, 'POST', P_VERIFY, json_body={'token': tok['refresh']})
            self.same('%s: verify' % what, a, b,
                      explained='README "Logout and revocation": simplejwt 5.2.2\'s verify checks the '
                                'blacklist only with BLACKLIST_AFTER_ROTATION; jwtauth always')
            rows[issuer.name] = self.token_row(tok['refresh'], uid, what)
        # Logout on jwtauth with the original's tokens.
        tok = toks['ob logout']
        r = self.req(j, 'POST', P_LOGOUT, headers={'Authorization': 'Bearer ' + tok['access']},
                     json_body={'refresh': tok['refresh']})
        t.eq(r.status, 200, 'side by side: jwtauth\'s logout with the original\'s tokens')
        r = self.req(ob, 'POST', P_REFRESH, json_body={'refresh': tok['refresh']})
        t.eq(r.status, 401, 'side by side: the original refuses the refresh token logged out on jwtauth')
        # Tokens never recorded (the verbatim original issued them): blacklisting makes the
        # outstanding row then, without a user, on either side.
        for blacklister, tok in ((j, toks['o 1']), (ob, toks['o 2'])):
            r = self.req(blacklister, 'POST', P_BLACKLIST, json_body={'refresh': tok['refresh']})
            t.ok(r.status == 200 and r.json == {}, 'side by side: an unrecorded token blacklisted on %s'
                 % blacklister.name, r)
            rows['unrecorded, ' + blacklister.name] = self.token_row(tok['refresh'], None,
                                                                     'unrecorded token blacklisted on %s'
                                                                     % blacklister.name)
        for a, b in (('original+blacklist', 'jwtauth'), ('unrecorded, original+blacklist', 'unrecorded, jwtauth')):
            if a in rows and b in rows:
                t.eq(rows[b], rows[a], 'side by side: the token_blacklist rows look the same whichever side '
                     'wrote them (%s / %s)' % (b, a))

    def token_row(self, token, uid, what):
        """token_blacklist_outstandingtoken and blacklistedtoken for token: what the rows say,
        checked against the token, as a dict that two sides' rows must share."""
        _, claims, _ = jwt_parts(token)
        out = self.db.sql("SELECT o.id, o.token, o.jti, IFNULL(o.user_id, 'NULL'), o.expires_at, "
                          "IFNULL(o.created_at, 'NULL'), COUNT(b.id), IFNULL(MAX(b.blacklisted_at), 'NULL') "
                          "FROM token_blacklist_outstandingtoken o LEFT JOIN token_blacklist_blacklistedtoken b "
                          "ON b.token_id = o.id WHERE o.jti = '%s' GROUP BY o.id" % claims['jti'])
        lines = out.splitlines()
        if not self.t.eq(len(lines), 1, 'side by side: %s: one outstanding row' % what):
            return None
        _, tok, jti, user, exp, created, nbl, bl_at = lines[0].split('\t')
        utc = datetime.datetime.utcfromtimestamp
        shape = {'token is the token': tok == token, 'jti is the claim': jti == claims['jti'],
                 'user_id': (user == str(uid)) if uid is not None else user,
                 'expires_at is exp in UTC': exp == utc(claims['exp']).strftime('%Y-%m-%d %H:%M:%S.%f'),
                 'created_at': created if created == 'NULL' else
                 'iat in UTC, within a second' if 0 <= (datetime.datetime.strptime(created, '%Y-%m-%d %H:%M:%S.%f')
                                                         - utc(claims['iat'])).total_seconds() < 1 else created,
                 'blacklisted rows': int(nbl),
                 'blacklisted_at is recent UTC': bl_at != 'NULL' and abs(
                     (datetime.datetime.strptime(bl_at, '%Y-%m-%d %H:%M:%S.%f') - datetime.datetime.utcnow())
                     .total_seconds()) < 60}
        print('# token row (%s): %r' % (what, shape), flush=True)
        return shape


def run(t):
    root = tempfile.mkdtemp(prefix='jwtauth-side-', dir='/tmp')
    os.chmod(root, 0o755)
    db = harness.MariaDB(root)
    j = o = ob = None
    keep = False
    failed = t.failed
    try:
        db.start()      # jwtauth-admin migrate as the database's owner (harness.MariaDB.migrate)
        db.sql("CREATE USER '%s'@'localhost' IDENTIFIED BY '%s';"
               "GRANT ALL PRIVILEGES ON jwtauth.* TO '%s'@'localhost';"
               % (DJANGO_DB_USER, DJANGO_DB_PASSWORD, DJANGO_DB_USER), db=None)
        mail_j, mail_o = os.path.join(root, 'mail-jwtauth'), os.path.join(root, 'mail-original')
        for d in (mail_j, mail_o):
            os.makedirs(d)
            os.chmod(d, 0o1777)
        pbkdf2 = pbkdf2_built()
        if not pbkdf2:
            print('# side by side: %s: jwtauth writes yescrypt' % NEEDS_PBKDF2, flush=True)
        j = Jwtauth(root, db, mail_j, pbkdf2)
        o = Original(root, 'original', db, mail_o, blacklist=False)
        ob = Original(root, 'original+blacklist', db, mail_o, blacklist=True)
        # Django's side, as the operator sets it up on jwtauth's tables.
        table = db.sql('SHOW CREATE TABLE accounts_user')
        rc, out = o.manage('migrate', '--fake-initial')
        t.ok(rc == 0 and 'Applying accounts.0001_initial... FAKED' in out,
             'side by side: manage.py migrate --fake-initial: accounts_user is jwtauth\'s (FAKED)', out)
        print('# ' + out.strip().replace('\n', '\n# '), flush=True)
        rc, out = ob.manage('migrate', 'token_blacklist', '--fake')
        # Debian's simplejwt 5.2.2 has eleven (no 0009).
        t.ok(rc == 0 and 'token_blacklist.0001_initial... FAKED' in out and '... OK' not in out,
             'side by side: REF_TOKEN_BLACKLIST=1 manage.py migrate token_blacklist --fake: all FAKED', out)
        rc, out = ob.manage('migrate', '--fake-initial')
        t.ok(rc == 0 and 'No migrations to apply' in out,
             'side by side: REF_TOKEN_BLACKLIST=1 manage.py migrate --fake-initial: nothing left', out)
        rc, out = ob.manage('makemigrations', '--check', '--dry-run')
        t.ok(rc == 0 and 'No changes detected' in out,
             'side by side: manage.py makemigrations --check: the models match the tables', out)
        t.eq(db.sql('SHOW CREATE TABLE accounts_user'), table, 'side by side: Django left accounts_user as is')
        o.start()
        ob.start()
        j.web.start()
        o.wait_up()
        ob.wait_up()
        r = Run(t, db, j, o, ob, pbkdf2)
        for step in (r.registration, r.logins, r.tokens, r.reset, r.change, r.blacklist):
            try:
                step()
            except Exception:
                t.ok(False, 'side by side: %s raised' % step.__name__, traceback.format_exc())
        print('# side by side: %d differences a client can see:' % len(r.diffs), flush=True)
        for d in r.diffs:
            print('#   ' + d, flush=True)
    except Exception as e:
        t.ok(False, 'side by side: start MariaDB, jwtauth and the original', '%s' % e)
    finally:
        keep = t.failed != failed
        for x in (o, ob):
            if x:
                x.stop()
        if j:
            j.web.stop()
        db.stop()
        if keep:
            print('# side by side: state kept in %s' % root, flush=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
