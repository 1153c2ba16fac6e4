"""Password rules ([password]): a second front end on the stack's database with every rule
on (minimum length 10, Django's common-password list, current_password on change) checks
them where a password is set: register, changepassword, reset-password, the admin API's
set-password and add routes and jwtauth-admin, with Django's messages under the password field in
each view's error format; the stack's own front end (the defaults) shows they are off, as
in the original.  Also the hash cost minimums a binary refuses to start below."""
import os
import subprocess

import harness
from harness import SECRET
from api import (P_ADMIN_USERS, P_CHANGE, P_LOGIN, P_REGISTER, P_RESET, P_SEND_RESET, admin_cli, admin_user, check,
                 errors, mails_since, new_email, p_admin_user, reg_body, register, reset_secrets)

RULES = ('secret_key = %s\n[password]\nmin_length = 10\ncommon_check = 1\nrequire_current_password = 1\n'
         % SECRET)
SHORT = 'This password is too short. It must contain at least 10 characters.'
COMMON = 'This password is too common.'
MISMATCH = "Password and Confirm password doesn't match!"
REQUIRED = 'This field is required.'


def stored(s, uid):
    return s.db.sql('SELECT password FROM accounts_user WHERE id=%d' % uid)


def t_password_rules(s, t):
    sib = harness.Sibling(s, 'rules', RULES)
    try:
        sib.start()
        register_rules(sib, t)
        change_rules(sib, t)
        reset_rules(sib, t)
        admin_rules(sib, t)
        cli_rules(sib, t)
    finally:
        sib.stop()


def register_rules(s, t):
    for pw, want in (('Xk3#pq', [SHORT]), ('qwertyuiop', [COMMON]), ('QwErTyUiOp', [COMMON]),
                     ('password', [SHORT, COMMON]), (' 1234567890 ', [COMMON])):
        email = new_email('rules')
        r = s.request('POST', P_REGISTER, json_body=reg_body(email, password=pw))
        check(t, r, 400, errors(password=want), 'register %r' % pw)
        t.eq(s.db.sql("SELECT COUNT(*) FROM accounts_user WHERE email='%s'" % email).strip(), '0',
             'register %r: no user made' % pw)
    body = reg_body(new_email('rules'), password='abc')
    body['password2'] = 'abd'
    check(t, s.request('POST', P_REGISTER, json_body=body), 400, errors(non_field_errors=[MISMATCH]),
          'register: a mismatch is told before the rules')
    r = s.request('POST', P_REGISTER, form=reg_body(new_email('rules'), password='letmein'))
    check(t, r, 400, errors(password=[SHORT, COMMON]), 'register (a form): the same messages')
    register(s, password='Long-enough-1')


def change_rules(s, t):
    email, uid, access, _ = register(s, password='Long-enough-1')
    auth = {'Authorization': 'Bearer ' + access}
    before = stored(s, uid)
    new = {'password': 'New-pass-222', 'password2': 'New-pass-222'}
    for body, want, name in (
            (new, errors(current_password=[REQUIRED]), 'current_password missing'),
            (dict(new, current_password='Long-enough-2'), errors(current_password=['Invalid password.']),
             'current_password wrong'),
            (dict(new, current_password=''), errors(current_password=['This field may not be blank.']),
             'current_password blank'),
            ({'password': 'New-pass-222', 'current_password': 'wrong'},
             errors(password2=[REQUIRED], current_password=['Invalid password.']),
             'field errors together, in field order'),
            ({'password': 'New-pass-222', 'password2': 'New-pass-223', 'current_password': 'Long-enough-1'},
             errors(non_field_errors=[MISMATCH]), 'the right current_password, a mismatch'),
            ({'password': 'iloveyou12', 'password2': 'iloveyou12', 'current_password': 'Long-enough-1'},
             errors(password=[COMMON]), 'the right current_password, a common password'),
            ({'password': 'Short-1', 'password2': 'Short-1', 'current_password': 'Long-enough-1'},
             errors(password=[SHORT]), 'the right current_password, a short password')):
        r = s.request('POST', P_CHANGE, json_body=body, headers=auth)
        check(t, r, 400, want, 'change: ' + name)
        if name.startswith('field errors'):
            t.eq(list((r.json or {}).get('errors', {})), ['password2', 'current_password'],
                 'change: the errors in field order')
    t.eq(stored(s, uid), before, 'change: nothing stored by a refused change')
    r = s.request('POST', P_CHANGE, json_body=dict(new, current_password=' Long-enough-1 '), headers=auth)
    check(t, r, 200, {'success': 'password changed successfully'}, 'change with current_password (stripped)')
    t.eq(s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'New-pass-222'}).status, 200,
         'change: the new password logs in')


def reset_rules(s, t):
    email, uid, _, _ = register(s, password='Long-enough-1')
    before = set(os.listdir(s.mail_dir))
    t.eq(s.request('POST', P_SEND_RESET, json_body={'email': email}).status, 200, 'reset: mail sent')
    mails = mails_since(s, before)
    if not t.eq(len(mails), 1, 'reset: one mail'):
        return
    u, tok, _ = reset_secrets(mails[0])
    path = '%s%s/%s/' % (P_RESET, u, tok)
    r = s.request('POST', path, json_body={'password': 'trustno1', 'password2': 'trustno1'})
    check(t, r, 400, errors(password=[SHORT, COMMON]), 'reset: a weak password')
    r = s.request('POST', path, json_body={'password': 'Reset-pass-12', 'password2': 'Reset-pass-12'})
    check(t, r, 200, {'success': 'password reset successfully.'}, 'reset: the link still works for a good one')


def admin_rules(s, t):
    _, _, adm = admin_user(s, password='Admin-pass-12')
    _, uid, _, _ = register(s, password='Long-enough-1')
    path = p_admin_user(uid) + 'password/'
    r = s.request('POST', path, json_body={'password': 'sunshine1', 'password2': 'sunshine1'}, headers=adm)
    check(t, r, 400, errors(password=[SHORT, COMMON]), 'admin set-password: a weak password')
    r = s.request('POST', path, json_body={'password': 'Admin-set-123', 'password2': 'Admin-set-123'}, headers=adm)
    check(t, r, 200, {'success': 'password changed successfully'}, 'admin set-password: a good one')
    add = {'email': new_email('rulesadd'), 'name': 'Added', 'tc': True, 'password': '1234567890',
           'password2': '1234567890'}
    r = s.request('POST', P_ADMIN_USERS, json_body=add, headers=adm)
    check(t, r, 400, errors(password=[COMMON]), 'admin add: a common password')
    add.update(password='Added-pass-12', password2='Added-pass-12')
    t.eq(s.request('POST', P_ADMIN_USERS, json_body=add, headers=adm).status, 201, 'admin add: a good one')


def cli_rules(s, t):
    email, uid, _, _ = register(s, password='Long-enough-1')
    before = stored(s, uid)
    rc, out, err = admin_cli(s, 'users', 'set-password', '--noinput', email,
                             env={'JWTAUTH_USER_PASSWORD': 'password'})
    t.ok(rc == 1 and 'JWTAUTH_USER_PASSWORD: %s; %s' % (SHORT, COMMON) in err, 'jwtauth-admin set-password: refused',
         err)
    t.eq(stored(s, uid), before, 'jwtauth-admin set-password: nothing stored')
    su = new_email('rulesadmin')
    rc, out, err = admin_cli(s, 'createsuperuser', '--noinput', '--email', su, '--name', 'R', '--tc',
                             env={'JWTAUTH_SUPERUSER_PASSWORD': 'qwertyuiop'})
    t.ok(rc == 1 and COMMON in err, 'jwtauth-admin createsuperuser: a common password refused', err)
    rc, out, err = admin_cli(s, 'users', 'set-password', '--noinput', email,
                             env={'JWTAUTH_USER_PASSWORD': 'Cli-pass-1234'})
    t.eq(rc, 0, 'jwtauth-admin set-password: a good one')


def t_password_rules_off(s, t):
    """The defaults (the stack's own front end): no rule, no current_password, as the original."""
    email, uid, access, _ = register(s, password='a')
    auth = {'Authorization': 'Bearer ' + access}
    for body, name in (({'password': 'b', 'password2': 'b'}, 'without current_password'),
                       ({'password': 'c', 'password2': 'c', 'current_password': 'wrong'},
                        'a wrong current_password is not read'),
                       ({'password': 'password', 'password2': 'password', 'current_password': ''},
                        'nor a blank one')):
        r = s.request('POST', P_CHANGE, json_body=body, headers=auth)
        check(t, r, 200, {'success': 'password changed successfully'}, 'rules off: change ' + name)
    rc, out, err = admin_cli(s, 'users', 'set-password', '--noinput', email, env={'JWTAUTH_USER_PASSWORD': '1'})
    t.eq(rc, 0, 'rules off: jwtauth-admin takes a one-character password')
    # The hash cost minimums: a binary refuses to start below them.
    conf = os.path.join(s.root, 'cost-bad.conf')
    env = {'PATH': '/usr/bin:/bin', 'GATEWAY_INTERFACE': 'CGI/1.1', 'REQUEST_METHOD': 'GET',
           'REQUEST_URI': '/api/user/profile/', 'QUERY_STRING': '', 'JWTAUTH_CONFIG': conf}
    for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LD_LIBRARY_PATH'):
        if k in os.environ:
            env[k] = os.environ[k]
    for text, want in (('password_hash_cost = 1\n', "password_hash_cost 1 is below yescrypt's default, 5"),
                       ('password_hash = bcrypt\n', "password_hash_cost 0 is bcrypt's cost 5, below the minimum"),
                       ('password_hash = bcrypt\npassword_hash_cost = 9\n', "below bcrypt's minimum of 10"),
                       ('password_hash = sha512crypt\npassword_hash_cost = 1000\n', 'is below 5000')):
        with open(conf, 'w') as fh:
            fh.write('[jwtauth]\nsecret_key = %s\n%s' % (SECRET, text))
        p = subprocess.run([os.path.join(harness.BUILD, 'cgi-bin', 'jwtauth-profile')], env=env,
                           capture_output=True, timeout=60)
        err = p.stderr.decode('utf-8', 'replace')
        t.ok(p.returncode != 0 and p.stdout == b'' and want in err, 'start-up refused: %s' % want, err)
