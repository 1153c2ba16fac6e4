"""What every end-to-end test module shares: the endpoints' paths, the answers' constant
headers, users made through the API, forged tokens, and the check() that compares an
answer's status, body and headers.  The behaviour checked is the original's (see
../../../shared/seed and SPEC_OVERRIDES).

A test is a function t_<name>(s, t) in a test_<area>.py module, taking a running
harness.Stack and the harness.Tap reporter; run-e2e lists them, in the order they run,
and runs them once per front-end mode.
"""
import base64
import hashlib
import hmac
import itertools
import json
import os
import re
import subprocess
import time
import uuid

from harness import BUILD, SECRET

P_REGISTER = '/api/user/register/'
P_LOGIN = '/api/user/login/'
P_PROFILE = '/api/user/profile/'
P_REFRESH = '/api/user/token/refresh/'
P_VERIFY = '/api/user/token/verify/'
P_CHANGE = '/api/user/changepassword/'
P_SEND_RESET = '/api/user/send-reset-password-email/'
P_RESET = '/api/user/reset-password/'

CT_SEED = 'application/json; charset=UTF-8'
CT_DRF = 'application/json'
ALLOW_POST = 'POST, OPTIONS'
ALLOW_GET = 'GET, HEAD, OPTIONS'
BEARER = 'Bearer realm="api"'
PARSES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']

# Makes every address new_email() returns unique within a run.
seq = itertools.count(1)


def new_email(tag='u', domain='example.com'):
    return '%s.%d.%d@%s' % (tag, int(time.time() * 1000) % 10 ** 9, next(seq), domain)


def b64url(b):
    if isinstance(b, str):
        b = b.encode()
    return base64.urlsafe_b64encode(b).rstrip(b'=').decode()


def b64url_dec(s):
    return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))


def forge(payload, header=None, secret=SECRET, alg='HS256', signature=None):
    header = header if header is not None else {'alg': alg, 'typ': 'JWT'}
    si = '%s.%s' % (b64url(json.dumps(header, separators=(',', ':'))),
                    b64url(json.dumps(payload, separators=(',', ':')) if not isinstance(payload, str) else payload))
    if signature is None:
        mod = {'HS256': hashlib.sha256, 'HS384': hashlib.sha384, 'HS512': hashlib.sha512}[alg]
        signature = b64url(hmac.new(secret.encode(), si.encode(), mod).digest())
    return si + '.' + signature


def claims(user_id=None, token_type='access', lifetime=300, iat=None, **extra):
    now = int(time.time()) if iat is None else iat
    c = {'token_type': token_type, 'exp': now + lifetime, 'iat': now, 'jti': uuid.uuid4().hex}
    if user_id is not None:
        c['user_id'] = user_id
    c.update(extra)
    return c


def jwt_parts(tok):
    h, p, s = tok.split('.')
    return json.loads(b64url_dec(h)), json.loads(b64url_dec(p)), s


def sig_ok(tok):
    si, _, s = tok.rpartition('.')
    return hmac.compare_digest(b64url(hmac.new(SECRET.encode(), si.encode(), hashlib.sha256).digest()), s)


def reg_body(email, password='Secret-pass-1', name='Test User', tc=True):
    return {'email': email, 'name': name, 'password': password, 'password2': password, 'tc': tc}


def register(s, email=None, **kw):
    email = email or new_email()
    r = s.request('POST', P_REGISTER, json_body=reg_body(email, **kw))
    if r.status != 201:
        raise AssertionError('registration failed: %r' % r)
    uid = jwt_parts(r.json['access'])[1]['user_id']
    return email, uid, r.json['access'], r.json['refresh']


def errors(**fields):
    return {'errors': fields}


def vary_accept(s):
    """Vary of the token views.  Apache's fixup_vary() rejoins every multi-token Vary
    with "," and no space, whatever the application sent."""
    return 'Accept,Origin' if s.mode.startswith('apache') else 'Accept, Origin'


def check(t, r, status, body=None, name='', ctype=None, allow=None, text=None, **hdrs):
    t.eq(r.status, status, '%s: status' % name)
    if body is not None:
        t.eq(r.json, body, '%s: body' % name)
    if text is not None:
        t.eq(r.text, text, '%s: raw body' % name)
    if ctype is not None:
        t.eq(r.header('Content-Type'), ctype, '%s: Content-Type' % name)
    if allow is not None:
        t.eq(r.header('Allow'), allow, '%s: Allow' % name)
    for k, v in hdrs.items():
        t.eq(r.header(k.replace('_', '-')), v, '%s: %s' % (name, k.replace('_', '-')))


def check_pair(t, body, uid, name):
    """A refresh/access pair exactly as simplejwt issues it."""
    t.eq(sorted(body), ['access', 'refresh'], name + ': keys')
    now = int(time.time())
    for kind, life in (('refresh', 86400), ('access', 300)):
        h, p, _ = jwt_parts(body[kind])
        t.eq(h, {'alg': 'HS256', 'typ': 'JWT'}, '%s: %s header' % (name, kind))
        # simplejwt's claim order, and PyJWT's compact JSON, byte for byte.
        t.eq(list(p), ['token_type', 'exp', 'iat', 'jti', 'user_id'], '%s: %s claims' % (name, kind))
        t.eq(b64url_dec(body[kind].split('.')[1]), json.dumps(p, separators=(',', ':')).encode(),
             '%s: %s payload is PyJWT\'s JSON' % (name, kind))
        t.eq(p['token_type'], kind, '%s: %s token_type' % (name, kind))
        t.eq(p['exp'] - p['iat'], life, '%s: %s lifetime' % (name, kind))
        t.ok(abs(p['iat'] - now) <= 5, '%s: %s iat is now' % (name, kind))
        t.ok(re.fullmatch('[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}', p['jti']) is not None,
             '%s: %s jti is a uuid4 hex' % (name, kind), p['jti'])
        t.eq(p['user_id'], uid, '%s: %s user_id' % (name, kind))
        t.ok(sig_ok(body[kind]), '%s: %s HS256 signature' % (name, kind))


def invalid(msg='Token is invalid or expired'):
    return errors(detail='Given token not valid for any token type', code='token_not_valid',
                  messages=[{'token_class': 'AccessToken', 'token_type': 'access', 'message': msg}])


def mails_since(s, before):
    import email as emaillib
    import email.policy
    import os
    out = []
    for name in sorted(set(os.listdir(s.mail_dir)) - before):
        if name.endswith('.eml'):
            with open(os.path.join(s.mail_dir, name), 'rb') as fh:
                out.append(emaillib.message_from_bytes(fh.read(), policy=email.policy.compat32))
    return out


def reset_secrets(msg):
    body = msg.get_payload(decode=True).decode()
    uid = re.search(r'^uid:\s+(\S+)\s*$', body, re.M).group(1)
    tok = re.search(r'^token:\s+(\S+)\s*$', body, re.M).group(1)
    return uid, tok, body


# ---------------------------------------------------------------- the admin API
P_ADMIN_USERS = '/api/admin/users/'
ALLOW_ADMIN_USERS = 'GET, POST, HEAD, OPTIONS'
ALLOW_ADMIN_USER = 'GET, PUT, PATCH, DELETE, HEAD, OPTIONS'
FORBIDDEN = errors(detail='You do not have permission to perform this action.')


def p_admin_user(uid):
    return '%s%s/' % (P_ADMIN_USERS, uid)


# jwtauth-admin as built (a libtool wrapper that finds the library in the build).
ADMIN_CLI = os.path.join(BUILD, 'sbin', 'jwtauth-admin')


def admin_env(s, extra=None):
    """The environment jwtauth-admin runs in against stack s: its configuration file only."""
    e = {'PATH': '/usr/bin:/bin', 'JWTAUTH_CONFIG': s.config_path, 'LC_ALL': 'C.UTF-8'}
    for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LD_LIBRARY_PATH'):
        if k in os.environ:
            e[k] = os.environ[k]
    e.update(extra or {})
    return e


def login(s, email, password='Secret-pass-1'):
    """POST login: (access, refresh); an AssertionError unless 200."""
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': password})
    if r.status != 200:
        raise AssertionError('login failed: %r' % r)
    return r.json['access'], r.json['refresh']


def admin_cli(s, *args, env=None, input=None):
    """Run jwtauth-admin ARGS against stack s (stdin a pipe, never a terminal):
    (status, stdout, stderr)."""
    p = subprocess.run([ADMIN_CLI] + list(args), env=admin_env(s, env),
                       input=(input or '').encode(), capture_output=True, timeout=120)
    # Decoded as they are: CSV's CRLF line ends stay.
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def make_admin(s, email, name=None, password=None, admin=True):
    """An admin made as an operator makes one, through jwtauth-admin.  With name and
    password: a new active admin (createsuperuser --noinput), whose id is returned.
    Without: the existing user email gets is_admin = admin (users set EMAIL --admin
    yes|no; the last-admin rule applies)."""
    if name is None and password is None:
        rc, out, err = admin_cli(s, 'users', 'set', email, '--admin', 'yes' if admin else 'no')
        if rc != 0:
            raise AssertionError('jwtauth-admin users set failed (%d): %s' % (rc, err.strip()))
        return None
    rc, out, err = admin_cli(s, 'createsuperuser', '--noinput', '--email', email, '--name', name, '--tc',
                             env={'JWTAUTH_SUPERUSER_PASSWORD': password})
    if rc != 0:
        raise AssertionError('jwtauth-admin createsuperuser failed (%d): %s' % (rc, err.strip()))
    out = s.db.sql("SELECT id FROM accounts_user WHERE email = '%s'"
                   % email.replace('\\', '\\\\').replace("'", "''"))
    return int(out.split()[0])


def admin_user(s, **kw):
    """A new registered user made an admin: (email, id, access header dict)."""
    email, uid, access, _ = register(s, **kw)
    make_admin(s, email)
    return email, uid, {'Authorization': 'Bearer ' + access}
