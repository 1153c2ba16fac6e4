"""The fault suite's races and slow clients (issue 12): racing registrations of one
e-mail, racing uses of one reset token, racing password changes of one user, each
asserting the answers and the rows; and slow clients (slowloris) against the web
server's shipped timeouts while other clients are served.  The SMTP and disk-full
faults are in test_mail.py (run once, under lighttpd-cgi)."""
import os
import socket
import threading
import time

from api import (P_CHANGE, P_LOGIN, P_REGISTER, P_RESET, P_PROFILE, P_SEND_RESET, errors, mails_since, new_email,
                 reg_body, register, reset_secrets)

# Racing requests per test: bounded, one connection each.
N_REGISTER = 50
N_RESET = 20
N_CHANGE = 12


def race(s, n, method, path, bodies, headers=None):
    """n requests started together (a barrier), one thread and one connection each:
    [(i, Response or the exception's name)] in the order of i."""
    out = [None] * n
    gate = threading.Barrier(n)

    def go(i):
        try:
            gate.wait(30)
            out[i] = s.request(method, path, json_body=bodies(i), headers=headers, timeout=60)
        except Exception as e:      # reported, never swallowed: a cut connection fails the test
            out[i] = '%s: %s' % (type(e).__name__, e)
    th = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    return list(enumerate(out))


def status(r):
    """The answer's status, or the name of the exception the request raised."""
    return r.status if hasattr(r, 'status') else r


def statuses(out):
    return sorted((status(r) for _, r in out), key=str)


def q(s):
    return "'%s'" % s.replace('\\', '\\\\').replace("'", "''")


def user_row(s, uid):
    """accounts_user's row but the password and updated_at, which a change sets."""
    return s.db.sql('SELECT id, email, name, tc, is_active, is_admin, created_at, last_login '
                    'FROM accounts_user WHERE id=%d' % uid)


def logs_in(s, email, password):
    """Whether the password logs in; failed logins are not left to count against the
    account (the login throttle is tested in test_throttle.py)."""
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': password})
    s.db.sql("DELETE FROM jwtauth_throttle WHERE scope IN ('login_account', 'login_client')")
    return r.status == 200


def t_race_register(s, t):
    email = new_email('race50')
    before = s.db.sql('SELECT COUNT(*) FROM accounts_user').strip()
    out = race(s, N_REGISTER, 'POST', P_REGISTER, lambda i: reg_body(email, name='Racer %d' % i))
    st = statuses(out)
    t.eq(st, [201] + [400] * (N_REGISTER - 1), '%d racing registrations of one e-mail: one 201, the rest 400'
         % N_REGISTER)
    dup = errors(email=['user with this email already exists.'])
    bad = [(i, r) for i, r in out if status(r) == 400 and r.json != dup]
    t.ok(not bad, 'every 400 is the duplicate error of the original', bad[:3])
    rows = s.db.sql('SELECT name FROM accounts_user WHERE email=%s' % q(email)).split('\n')[:-1]
    t.eq(len(rows), 1, 'one row stored for the e-mail')
    won = [i for i, r in out if status(r) == 201]
    t.eq(rows, ['Racer %d' % i for i in won], 'the row is the one of the 201')
    t.eq(int(s.db.sql('SELECT COUNT(*) FROM accounts_user').strip()), int(before) + 1, 'one row added in all')


def t_race_reset_token(s, t):
    email, uid, access, _ = register(s)
    s.db.sql("UPDATE jwtauth_throttle SET window_end = 0 WHERE scope = 'reset_address'")
    before = set(os.listdir(s.mail_dir))
    r = s.request('POST', P_SEND_RESET, json_body={'email': email})
    mails = mails_since(s, before)
    if not t.ok(r.status == 200 and len(mails) == 1, 'race: the reset mail', r):
        return
    u, tok, _ = reset_secrets(mails[0])
    row = user_row(s, uid)
    out = race(s, N_RESET, 'POST', '%s%s/%s/' % (P_RESET, u, tok),
               lambda i: {'password': 'Race-reset-%d' % i, 'password2': 'Race-reset-%d' % i})
    st = statuses(out)
    t.eq(st, [200] + [400] * (N_RESET - 1), '%d racing uses of one reset token: one 200, the rest 400' % N_RESET)
    inv = errors(non_field_errors=['token may be expired or invalid!'])
    bad = [(i, r) for i, r in out if status(r) == 400 and r.json != inv]
    t.ok(not bad, 'every 400 is "token may be expired or invalid!"', bad[:3])
    won = [i for i, r in out if status(r) == 200]
    works = [i for i in range(N_RESET) if logs_in(s, email, 'Race-reset-%d' % i)]
    t.eq(works, won, 'the one password that logs in is the one of the 200')
    t.ok(not logs_in(s, email, 'Secret-pass-1'), 'the old password no longer logs in')
    t.eq(user_row(s, uid), row, 'the rest of the row is unchanged')


def t_race_change_password(s, t):
    email, uid, access, _ = register(s)
    auth = {'Authorization': 'Bearer ' + access}
    row = user_row(s, uid)
    out = race(s, N_CHANGE, 'POST', P_CHANGE,
               lambda i: {'password': 'Race-change-%d' % i, 'password2': 'Race-change-%d' % i}, headers=auth)
    ok = {'success': 'password changed successfully'}
    st = [status(r) for _, r in out]
    t.ok(all(x == 200 or (isinstance(x, int) and 400 <= x < 500) for x in st),
         '%d racing password changes: every answer 200 or a 4xx' % N_CHANGE, st)
    t.ok(all(r.json == ok for _, r in out if status(r) == 200), 'every 200 is the success body',
         [r for _, r in out if status(r) == 200][:3])
    t.ok(all(r.json is not None and 'errors' in r.json for _, r in out if status(r) != 200),
         'every 4xx is a JSON error', [r for _, r in out if status(r) != 200][:3])
    won = [i for i, r in out if status(r) == 200]
    t.ok(len(won) >= 1, 'at least one change succeeded', st)
    works = [i for i in range(N_CHANGE) if logs_in(s, email, 'Race-change-%d' % i)]
    t.ok(len(works) == 1, 'exactly one of the new passwords logs in (%d of %d changes answered 200)'
         % (len(won), N_CHANGE), works)
    t.ok(set(works) <= set(won), 'and it is one whose change answered 200', (works, won))
    t.ok(not logs_in(s, email, 'Secret-pass-1'), 'the old password no longer logs in')
    t.eq(user_row(s, uid), row, 'the rest of the row is unchanged')
    # The session that changed it is kept (README "Revocation on password change").
    r = s.request('GET', P_PROFILE, headers=auth)
    t.eq(r.status, 200, 'the access token of the session that changed it still works')


# The shipped limits on slow clients (README "Slow clients and races"): lighttpd's
# server.max-read-idle (lighttpd-conf/*.conf.in) and Apache's RequestReadTimeout
# header=10-20,MinRate=500 body=10,MinRate=500 (apache-conf/*.conf.in).
READ_IDLE = 10
# Slow connections per front end: lighttpd (one process, event-driven) takes 100;
# Apache's prefork (tools/frontend.py: MaxRequestWorkers 16) gives each connection a
# process, so more slow connections than that wait in the listen queue with everyone
# else (README); 12 leaves room for the other clients.
SLOW = {'lighttpd': (60, 20, 20), 'apache': (4, 4, 4)}
# A normal request meanwhile answers within this.  Apache's prefork keeps 2-4 idle
# processes (frontend.py) and starts more at 1, 2, 4... a second: a request arriving
# just after the slow clients took the idle ones waits for that (4.7 s measured).
NORMAL_BOUND = {'lighttpd': 3.0, 'apache': 8.0}
# A slow client is cut within this of its connecting: READ_IDLE, + 3 s (lighttpd checks
# once a second; load), + for Apache the wait for a prefork process (its clock starts then).
CUT_BOUND = {'lighttpd': READ_IDLE + 3, 'apache': READ_IDLE + 8}


class Slow:
    """One slow client: kind 'drip' (request headers a byte a second), 'stall' (part
    of the headers, then nothing) or 'body' (the headers, one byte of the body, then
    nothing).  closed: seconds from its opening to the server's close, and what the
    server said (its first line), once seen."""

    def __init__(self, port, kind, body_path=P_REGISTER):
        self.kind = kind
        self.sock = socket.create_connection(('127.0.0.1', port), 10)
        self.sock.setblocking(False)
        if kind == 'body':
            head = ('POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
                    'Content-Length: 200\r\n\r\n{' % body_path)
        else:
            head = 'POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' % P_LOGIN
        self.sock.sendall(head.encode())
        self.opened = time.monotonic()
        self.closed = None

    def drip(self):
        if self.closed is None:
            try:
                self.sock.send(b'a')
            except OSError:
                self.poll(True)

    def poll(self, failed=False):
        if self.closed is not None:
            return
        try:
            data = self.sock.recv(4096)
        except BlockingIOError:
            if not failed:
                return
            data = b''
        except OSError:
            data = b''
        self.closed = (time.monotonic() - self.opened, data.split(b'\r\n')[0].decode('latin-1'))
        self.sock.close()


def t_slow_clients(s, t):
    """Slow clients (slowloris) on the shipped timeouts: the silent ones are cut, the
    dripping ones too where the server bounds a request's headers in time (Apache), and a
    normal client is answered within NORMAL_BOUND meanwhile.  To measure other loads (the
    README's figures): JWTAUTH_E2E_SLOW_CLIENTS=DRIP,STALL,BODY (the numbers of each kind),
    JWTAUTH_E2E_SLOW_BODY=login (the stalled bodies go to the login URL, which the normal
    clients use, instead of the registration's)."""
    family = s.mode.split('-')[0]
    email, uid, access, _ = register(s)
    n_drip, n_stall, n_body = SLOW[family]
    if os.environ.get('JWTAUTH_E2E_SLOW_CLIENTS'):
        n_drip, n_stall, n_body = (int(x) for x in os.environ['JWTAUTH_E2E_SLOW_CLIENTS'].split(','))
    body_path = P_LOGIN if os.environ.get('JWTAUTH_E2E_SLOW_BODY') == 'login' else P_REGISTER
    slow = [Slow(s.port, 'drip') for _ in range(n_drip)] + [Slow(s.port, 'stall') for _ in range(n_stall)] + \
        [Slow(s.port, 'body', body_path) for _ in range(n_body)]
    started = time.monotonic()
    opened = started - slow[0].opened
    must_close = [c for c in slow if c.kind != 'drip' or family == 'apache']
    normal = []
    stop = []

    def client():
        """A normal client meanwhile: one login after another."""
        while not stop:
            a = time.monotonic()
            try:
                r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'}, timeout=30)
                normal.append((r.status, time.monotonic() - a, a - started))
            except Exception as e:
                normal.append((type(e).__name__, time.monotonic() - a, a - started))
            time.sleep(0.2)
    th = threading.Thread(target=client)
    th.start()
    next_drip = started + 1
    try:
        while time.monotonic() - started < CUT_BOUND[family] + 1:
            if time.monotonic() >= next_drip:
                for c in slow:
                    if c.kind == 'drip':
                        c.drip()
                next_drip += 1
            for c in slow:
                c.poll()
            if all(c.closed is not None for c in must_close) and time.monotonic() - started > READ_IDLE + 1:
                break
            time.sleep(0.1)
        took = time.monotonic() - started
    finally:
        stop.append(1)
        th.join()
        for c in slow:
            if c.closed is None:
                c.sock.close()
    worst = max(x for _, x, _ in normal)
    print('# [%s] slow clients: opened in %.1f s; normal logins over 1 s (latency, at): %s' % (
        s.mode, opened, ['%.1f@%.1f' % (x, at) for _, x, at in normal if x > 1]), flush=True)
    t.ok(all(st == 200 for st, _, _ in normal) and worst < NORMAL_BOUND[family],
         '[%s] %d slow connections open: %d normal logins meanwhile all 200, the slowest in %.2f s (bound %.0f s)'
         % (s.mode, len(slow), len(normal), worst, NORMAL_BOUND[family]), [x for x in normal if x[0] != 200][:5])
    for kind in ('stall', 'body', 'drip'):
        these = [c for c in slow if c.kind == kind]
        if not these:
            continue
        cut = [c.closed[0] for c in these if c.closed is not None]
        said = sorted(set(c.closed[1] for c in these if c.closed is not None))
        if kind == 'drip' and family == 'lighttpd':
            # server.max-read-idle is an idle limit: a byte a second keeps a connection (each
            # costs lighttpd one descriptor; the headers' size limit ends it).  Reported only.
            print('# [%s] %d of %d clients sending a header byte a second still connected after %.0f s'
                  % (s.mode, len(these) - len(cut), len(these), took), flush=True)
            continue
        limit = CUT_BOUND[family]
        t.ok(len(cut) == len(these) and max(cut) < limit,
             '[%s] %s: all %d cut by the server within %d s (the last after %.1f s; it answered %s)'
             % (s.mode, kind, len(these), limit, max(cut) if cut else -1, said or 'none'),
             '%d of %d cut' % (len(cut), len(these)))
