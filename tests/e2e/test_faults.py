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
            out[i] = type(e).__name__
    th = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    return list(enumerate(out))


def status(r):
    return r.status if hasattr(r, 'status') else r


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
    st = sorted(status(r) for _, r in out)
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
    st = sorted(status(r) for _, r in out)
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
