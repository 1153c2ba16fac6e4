"""Throttling (README "Throttling", lib/throttle.c): failed logins per account and per client
address, reset mails per address and per client, registrations per client; DRF's Throttled
answer (429, its text under the seed's {"errors": ...}, Retry-After); the shipped defaults on
the stack's own front end; short windows, trusted_proxies and a limit of 0 on front ends of
their own; and two front ends of different servers on one database sharing every count
(several web hosts)."""
import copy
import hashlib
import hmac
import os
import re
import time

import harness
from api import (ALLOW_POST, CT_SEED, P_LOGIN, P_REGISTER, P_SEND_RESET, check, errors, mails_since,
                 new_email, reg_body, register)

BAD_LOGIN = errors(non_field_errors=['email or password is not valid'])

# The front ends of t_throttle: short windows, every client behind 127.0.0.1 named by
# X-Forwarded-For, the per-account login limit off.
THROTTLE_CONF = '''
[jwtauth]
trusted_proxies = 127.0.0.1
[throttle]
login_account_limit = 0
login_client_limit = 6
login_client_window = 120
reset_address_limit = 1
reset_address_window = 5
reset_address_daily_limit = 2
reset_address_daily_window = 3600
reset_client_limit = 4
reset_client_window = 120
register_client_limit = 2
register_client_window = 120
'''


def throttled(t, r, name, most, least=1):
    """r is DRF's Throttled under the seed's renderer, its wait from least to most seconds,
    byte for byte: {"errors": {"detail": "Request was throttled. Expected available in N
    seconds."}} and Retry-After: N.  Returns N (0 when r is something else)."""
    m = re.fullmatch(r'\{"errors": \{"detail": "Request was throttled\. Expected available in (\d+) '
                     r'(seconds?)\."\}\}', r.text)
    if not t.ok(r.status == 429 and m is not None, '%s: 429 Throttled' % name, repr(r)):
        return 0
    n = int(m.group(1))
    t.eq(m.group(2), 'second' if n == 1 else 'seconds', '%s: ngettext\'s second(s)' % name)
    t.ok(least <= n <= most, '%s: wait %d s, from %d to %d' % (name, n, least, most))
    check(t, r, 429, name=name, ctype=CT_SEED, allow=ALLOW_POST, Retry_After=str(n))
    return n


def login(s, email, password, client=None):
    return s.request('POST', P_LOGIN, json_body={'email': email, 'password': password},
                     headers={'X-Forwarded-For': client} if client else None)


def email_ident(s, email):
    """The ident lib/throttle.c keeps for an address: HMAC-SHA256 under the signing key of
    its weight under accounts_user.email's collation."""
    w = s.db.sql("SELECT HEX(WEIGHT_STRING(CONVERT('%s' USING utf8mb4) COLLATE utf8mb4_general_ci))"
                 % email.replace("'", "''")).strip()
    return hmac.new(harness.SECRET.encode(), bytes.fromhex(w), hashlib.sha256).hexdigest()


def row(s, scope, ident):
    """(hits, window_end in ms) of a counter, None when there is none."""
    out = s.db.sql("SELECT hits, window_end FROM jwtauth_throttle WHERE scope = '%s' AND ident = '%s'"
                   % (scope, ident)).split()
    return (int(out[0]), int(out[1])) if out else None


def t_throttle_login_defaults(s, t):
    """The shipped per-account limit: 5 failures in 15 minutes, then 429 until the window
    ends, for the right password too, and the same for an address nobody has."""
    email, uid, _, _ = register(s, email=new_email('Locked'))
    started = time.time()
    for i in range(5):
        r = login(s, email, 'Wrong-pass-%d' % i)
        check(t, r, 404, BAD_LOGIN, 'failure %d of 5: the seed\'s 404' % (i + 1))
    t.eq(r.text, '{"errors": {"non_field_errors": ["email or password is not valid"]}}',
         'the fifth failure: the original\'s bytes')
    throttled(t, login(s, email, 'Wrong-pass-5'), 'sixth attempt', 900, since(started))
    throttled(t, login(s, email, 'Secret-pass-1'), 'the right password, throttled', 900, since(started))
    throttled(t, login(s, email.upper(), 'Secret-pass-1'), 'another spelling of the address', 900,
              since(started))
    ident = email_ident(s, email)
    got = row(s, 'login_account', ident)
    t.ok(got is not None and got[0] == 6, 'one counter for the account, at its cap (limit + 1)', got)
    # An address nobody has: counted and refused alike, even spelled otherwise (the
    # lookup's collation folds case and accents).
    ghost = new_email('ghost', 'exämple.com')
    started = time.time()
    for i in range(5):
        check(t, login(s, ghost, 'Wrong-pass-%d' % i), 404, BAD_LOGIN, 'unknown address, failure %d' % (i + 1))
    r = login(s, ghost.upper().replace('Ä', 'A'), 'Wrong-pass-5')
    throttled(t, r, 'unknown address, another spelling: throttled', 900, since(started))
    r2 = login(s, email, 'x')

    def shape(x):
        return (x.status, re.sub(r'[0-9]+', 'N', x.text),
                sorted((k.lower(), re.sub(r'[0-9]+', 'N', v)) for k, v in x.headers if k.lower() != 'date'))
    t.eq(shape(r), shape(r2), 'unknown and existing accounts: the same answer, but for the seconds')
    idents = s.db.sql('SELECT ident FROM jwtauth_throttle').split()
    t.ok(idents and not any('@' in i for i in idents), 'no address stored in jwtauth_throttle', idents[:5])
    # The window passes (aged in the database): the right password logs in, and clears it.
    s.db.sql("UPDATE jwtauth_throttle SET window_end = window_end - 900000 "
             "WHERE scope = 'login_account' AND ident = '%s'" % ident)
    t.eq(login(s, email, 'Secret-pass-1').status, 200, 'the window over: the right password logs in')
    t.eq(row(s, 'login_account', ident), None, 'a successful login clears the account\'s failures')
    # Failures count again from there: four, a success, five more, then 429.
    for i in range(4):
        t.eq(login(s, email, 'Wrong-pass-%d' % i).status, 404, 'again: failure %d' % (i + 1))
    t.eq(login(s, email, 'Secret-pass-1').status, 200, 'a success between failures')
    started = time.time()
    for i in range(5):
        t.eq(login(s, email, 'Wrong-pass-%d' % i).status, 404, 'after the success: failure %d of 5' % (i + 1))
    throttled(t, login(s, email, 'Secret-pass-1'), 'after the success: the sixth attempt', 900, since(started))
    # This stack's other tests log in from 127.0.0.1 too: leave its client count as found.
    s.db.sql("DELETE FROM jwtauth_throttle WHERE scope = 'login_client'")


def t_throttle_reset_defaults(s, t):
    """The shipped reset mail limits: one a minute and five a day per address."""
    email, uid, _, _ = register(s, email=new_email('Resets'))
    ident = 'user:%d' % uid
    ok = {'success': 'password reset link sent successfully, please check your email.'}
    before = set(os.listdir(s.mail_dir))
    started = time.time()
    check(t, s.request('POST', P_SEND_RESET, json_body={'email': email}), 200, ok, 'first mail')
    throttled(t, s.request('POST', P_SEND_RESET, json_body={'email': email}), 'second within the minute', 60,
              since(started, 60))
    throttled(t, s.request('POST', P_SEND_RESET, json_body={'email': email.upper()}),
              'second within the minute, another spelling', 60, since(started, 60))
    t.eq(len(mails_since(s, before)), 1, 'one mail sent')
    for i in range(4):
        # A minute passes (aged in the database).
        s.db.sql("UPDATE jwtauth_throttle SET window_end = 0 WHERE scope = 'reset_address' AND ident = '%s'"
                 % ident)
        check(t, s.request('POST', P_SEND_RESET, json_body={'email': email}), 200, ok, 'mail %d of 5' % (i + 2))
    s.db.sql("UPDATE jwtauth_throttle SET window_end = 0 WHERE scope = 'reset_address' AND ident = '%s'" % ident)
    throttled(t, s.request('POST', P_SEND_RESET, json_body={'email': email}), 'a sixth mail the same day',
              86400, since(started, 86400))
    t.eq(len(mails_since(s, before)), 5, 'five mails sent')
    t.eq(row(s, 'reset_address_daily', ident)[0], 6, 'the daily counter at its cap')
    r = s.request('POST', P_SEND_RESET, json_body={'email': new_email('nobody')})
    check(t, r, 400, errors(non_field_errors=['user is not registered']), 'unknown address: the seed\'s 400')
    s.db.sql("DELETE FROM jwtauth_throttle WHERE scope = 'reset_client'")


def other_mode(mode):
    """A front end of another server, for two web hosts on one database."""
    return 'apache-proxy-fcgi' if mode.startswith('lighttpd') else 'lighttpd-fastcgi'


def via(s, fe):
    """s, its requests sent to front end fe."""
    v = copy.copy(s)
    v.web = fe
    return v


def sleep_past(wait):
    time.sleep(wait + 0.3)


def since(started, window=900):
    """The least wait left of a window of that many seconds opened after started."""
    return window - int(time.time() - started) - 1


def window_passes(s, scope, ident):
    """End a counter's window (aged in the database, as time would)."""
    s.db.sql("UPDATE jwtauth_throttle SET window_end = 0 WHERE scope = '%s' AND ident = '%s'" % (scope, ident))


def t_throttle(s, t):
    """Short windows on two front ends of their own against the stack's database: one of
    this mode's server, one of another; trusted_proxies = 127.0.0.1, so X-Forwarded-For
    names each test's client."""
    root = os.path.join(s.root, 'throttle')
    os.makedirs(root)
    path = os.path.join(root, 'jwtauth.conf')
    with open(s.config_path) as fh:
        conf = fh.read()
    with open(path, 'w') as fh:
        fh.write(conf + THROTTLE_CONF)
    os.chmod(path, 0o644)
    fa = harness.Frontend(os.path.join(root, 'a'), s.mode, path, s.env)
    fb = harness.Frontend(os.path.join(root, 'b'), other_mode(s.mode), path, s.env)
    for fe in (fa, fb):
        os.makedirs(fe.root)
        if os.getuid() == 0:
            os.chmod(fe.root, 0o755)
    try:
        try:
            fa.start()
        except Exception as e:
            t.ok(False, '[throttle] start %s with [throttle] settings' % s.mode, e)
            return
        a = via(s, fa)
        try:
            fb.start()
            b = via(s, fb)
        except Exception as e:
            b = None
            t.skip('[throttle] a second front end', '%s could not start beside %s: %s'
                   % (other_mode(s.mode), s.mode, e))
        throttle_login(s, a, b, t)
        throttle_reset(s, a, b, t)
        throttle_register(s, a, b, t)
    finally:
        fa.stop()
        fb.stop()


def throttle_login(s, a, b, t):
    email, uid, _, _ = register(s, email=new_email('Client'))
    # Six failures from one client, half through each web host (b may be None).
    for i in range(6):
        r = login(b if b and i % 2 else a, email, 'Wrong-%d' % i, '198.51.100.1')
        check(t, r, 404, BAD_LOGIN, 'client failure %d of 6' % (i + 1))
    # login_account_limit = 0: no per-account count, however many failures.
    for i in range(6):
        t.eq(login(a, email, 'Wrong-%d' % i, '198.51.100.2').status, 404,
             'per-account limit 0: failure %d from another client' % (i + 7))
    t.eq(row(s, 'login_account', email_ident(s, email)), None, 'per-account limit 0: nothing stored')
    throttled(t, login(a, email, 'Wrong-6', '198.51.100.1'), 'seventh failure from the client', 120)
    throttled(t, login(a, new_email('other'), 'x', '198.51.100.1'), 'the client, any account', 120)
    throttled(t, login(a, email, 'Secret-pass-1', '198.51.100.1'), 'the client, the right password', 120)
    if b:
        throttled(t, login(b, email, 'Secret-pass-1', '198.51.100.1'), 'the client, through the other host', 120)
    t.eq(login(a, email, 'Secret-pass-1', '198.51.100.3').status, 200, 'another forwarded client logs in')
    t.eq(login(a, email, 'Secret-pass-1').status, 200, 'the proxy itself (no X-Forwarded-For) logs in')
    # A success is not a failure: it leaves the client's count where it was.
    for i in range(5):
        t.eq(login(a, email, 'Wrong-%d' % i, '198.51.100.4').status, 404, 'client 4: failure %d' % (i + 1))
    t.eq(login(a, email, 'Secret-pass-1', '198.51.100.4').status, 200, 'client 4: a success')
    t.eq(login(a, email, 'Wrong-5', '198.51.100.4').status, 404, 'client 4: the sixth failure is allowed')
    # An IPv6 client counts by its /64.
    for i in range(6):
        t.eq(login(a, email, 'Wrong-%d' % i, '2001:db8:5::%x' % (i + 1)).status, 404,
             'IPv6 /64: failure %d' % (i + 1))
    throttled(t, login(a, email, 'Secret-pass-1', '2001:db8:5::ffff'), 'IPv6: another address of the /64', 120)
    t.eq(login(a, email, 'Secret-pass-1', '2001:db8:6::1').status, 200, 'IPv6: another /64 logs in')
    # The window ends: the client logs in again.
    window_passes(s, 'login_client', '198.51.100.1')
    t.eq(login(b or a, email, 'Secret-pass-1', '198.51.100.1').status, 200, 'the window over: the client logs in')


def throttle_reset(s, a, b, t):
    email, uid, _, _ = register(s, email=new_email('Mailer'))
    hdr = {'X-Forwarded-For': '198.51.100.20'}
    before = set(os.listdir(s.mail_dir))
    started = time.time()
    t.eq(a.request('POST', P_SEND_RESET, json_body={'email': email}, headers=hdr).status, 200, 'reset: first mail')
    n = throttled(t, a.request('POST', P_SEND_RESET, json_body={'email': email}, headers=hdr),
                  'reset: second within the window', 5)
    if b:
        throttled(t, b.request('POST', P_SEND_RESET, json_body={'email': email},
                               headers={'X-Forwarded-For': '198.51.100.21'}),
                  'reset: through the other host, from another client', 5)
    # The window really ends (a short one).
    sleep_past(n)
    t.eq((b or a).request('POST', P_SEND_RESET, json_body={'email': email}, headers=hdr).status, 200,
         'reset: the window over, a second mail')
    window_passes(s, 'reset_address', 'user:%d' % uid)
    throttled(t, a.request('POST', P_SEND_RESET, json_body={'email': email}, headers=hdr),
              'reset: over the daily limit of 2', 3600, since(started, 3600))
    t.eq(len(mails_since(s, before)), 2, 'reset: two mails sent')
    # Requests per client, known addresses or not.
    hdr = {'X-Forwarded-For': '198.51.100.22'}
    for i in range(4):
        r = a.request('POST', P_SEND_RESET, json_body={'email': new_email('nobody')}, headers=hdr)
        check(t, r, 400, errors(non_field_errors=['user is not registered']), 'reset client: request %d' % (i + 1))
    throttled(t, a.request('POST', P_SEND_RESET, json_body={'email': email}, headers=hdr),
              'reset client: the fifth request', 120)


def throttle_register(s, a, b, t):
    hdr = {'X-Forwarded-For': '198.51.100.30'}
    for i in range(2):
        t.eq(a.request('POST', P_REGISTER, json_body=reg_body(new_email('reg')), headers=hdr).status, 201,
             'register: %d of 2' % (i + 1))
    body = reg_body(new_email('reg'))
    body['password2'] = 'Other-pass-1'
    check(t, a.request('POST', P_REGISTER, json_body=body, headers=hdr), 400,
          errors(non_field_errors=["Password and Confirm password doesn't match!"]), 'register: a refusal is no count')
    email = new_email('reg')
    throttled(t, a.request('POST', P_REGISTER, json_body=reg_body(email), headers=hdr), 'register: the third', 120)
    t.eq(s.db.sql("SELECT COUNT(*) FROM accounts_user WHERE email = '%s'" % email).strip(), '0',
         'register: no user made when throttled')
    if b:
        throttled(t, b.request('POST', P_REGISTER, json_body=reg_body(email), headers=hdr),
                  'register: through the other host', 120)
    t.eq(a.request('POST', P_REGISTER, json_body=reg_body(new_email('reg')),
                   headers={'X-Forwarded-For': '198.51.100.31'}).status, 201, 'register: another client')
    window_passes(s, 'register_client', '198.51.100.30')
    t.eq(a.request('POST', P_REGISTER, json_body=reg_body(email), headers=hdr).status, 201,
         'register: the window over')
