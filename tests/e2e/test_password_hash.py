"""Password hashes both services read (README "Password hashes during a migration"): a second
front end on the stack's database with password_hash = pbkdf2_sha256 writes Django 3.2's
format from every place a password is set (register, changepassword, reset-password, the
admin API's set-password and add routes, jwtauth-admin set-password and createsuperuser), and
Django itself (Debian's python3-django, check_password) accepts each hash and would not
rewrite it; a login there leaves the original's hashes byte for byte (pbkdf2_sha256 of another
count, pbkdf2_sha1, argon2, made by Django here) and rewrites a crypt(3) one ("$y$") to
pbkdf2_sha256.  The stack's own front end (yescrypt) upgrades an argon2 hash at login, and a
row of a format nobody reads still gets the usual 404."""
import json
import os
import re
import subprocess

import harness
from harness import SECRET
from api import (P_ADMIN_USERS, P_CHANGE, P_LOGIN, P_RESET, P_SEND_RESET, admin_cli, admin_user, check, errors,
                 mails_since, new_email, p_admin_user, register, reset_secrets)

PBKDF2 = 'secret_key = %s\npassword_hash = pbkdf2_sha256\npassword_hash_cost = 0\n' % SECRET
# What Django 3.2's PBKDF2PasswordHasher.encode writes: 260000 iterations, a 22-character salt
# of get_random_string's alphabet, the base64 of 32 bytes.
DJANGO_FORMAT = re.compile(r'^pbkdf2_sha256\$260000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$')
BAD = errors(non_field_errors=['email or password is not valid'])

# Run by Debian's python3 with Django's hashers: a list of operations on stdin, their results
# on stdout.  ["check", pw, hash]: [check_password(pw, hash), the hasher's must_update(hash)];
# ["make", pw, algorithm, iterations]: a new hash (iterations: PBKDF2's count, or null).
DJANGO = r'''
import json, sys
from django.conf import settings
settings.configure(PASSWORD_HASHERS=[
    'django.contrib.auth.hashers.PBKDF2PasswordHasher',
    'django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher',
    'django.contrib.auth.hashers.Argon2PasswordHasher',
])
from django.contrib.auth.hashers import (PBKDF2PasswordHasher, check_password, identify_hasher,
                                         make_password)
out = []
for op in json.load(sys.stdin):
    if op[0] == 'check':
        _, pw, h = op
        try:
            out.append([check_password(pw, h), identify_hasher(h).must_update(h)])
        except ValueError as e:
            out.append([False, str(e)])
    else:
        _, pw, algorithm, iterations = op
        if iterations:
            hasher = PBKDF2PasswordHasher()
            out.append(hasher.encode(pw, hasher.salt(), iterations))
        else:
            out.append(make_password(pw, hasher=algorithm))
json.dump(out, sys.stdout)
'''


def django(ops):
    """Django's answers to ops (see DJANGO)."""
    p = subprocess.run(['/usr/bin/python3', '-c', DJANGO], input=json.dumps(ops).encode(), capture_output=True,
                       timeout=300, env={'PATH': '/usr/bin:/bin', 'LC_ALL': 'C.UTF-8'})
    if p.returncode != 0:
        raise AssertionError('Django failed: %s' % p.stderr.decode('utf-8', 'replace')[-2000:])
    return json.loads(p.stdout)


def stored(s, uid):
    return s.db.sql('SELECT password FROM accounts_user WHERE id=%d' % uid).strip()


def uid_of(s, email):
    return int(s.db.sql("SELECT id FROM accounts_user WHERE email='%s'" % email).split()[0])


def set_stored(s, uid, h):
    s.db.sql("UPDATE accounts_user SET password='%s' WHERE id=%d" % (h, uid))


def login_status(s, email, pw):
    return s.request('POST', P_LOGIN, json_body={'email': email, 'password': pw}).status


def t_password_hash_pbkdf2(s, t):
    sib = harness.Sibling(s, 'pbkdf2', PBKDF2)
    try:
        sib.start()
        written = writers(sib, t)
        for (name, pw, h) in written:
            t.ok(DJANGO_FORMAT.match(h or ''), '%s writes Django 3.2\'s pbkdf2_sha256 format' % name, h)
        answers = django([['check', pw, h] for (_, pw, h) in written] +
                         [['check', pw + 'x', h] for (_, pw, h) in written[:1]])
        for (name, pw, h), (ok, must_update) in zip(written, answers):
            t.ok(ok is True and must_update is False,
                 "%s: Django's check_password accepts the hash and would not rewrite it" % name,
                 '%r for %s' % ([ok, must_update], h))
        t.eq(answers[-1][0], False, "Django's check_password refuses a wrong password")
        keeps_originals(s, sib, t)
        rewrites_crypt(s, sib, t)
    finally:
        sib.stop()


def writers(sib, t):
    """A password set in each place jwtauth sets one: [(where, password, stored hash)]."""
    out = []
    email, uid, access, _ = register(sib, password='Register-pass-1')
    out.append(('register', 'Register-pass-1', stored(sib, uid)))
    r = sib.request('POST', P_CHANGE, json_body={'password': 'Change-pass-2', 'password2': 'Change-pass-2'},
                    headers={'Authorization': 'Bearer ' + access})
    t.eq(r.status, 200, 'pbkdf2: changepassword')
    out.append(('changepassword', 'Change-pass-2', stored(sib, uid)))
    before = set(os.listdir(sib.mail_dir))
    t.eq(sib.request('POST', P_SEND_RESET, json_body={'email': email}).status, 200, 'pbkdf2: reset mail sent')
    mails = mails_since(sib, before)
    if t.eq(len(mails), 1, 'pbkdf2: one reset mail'):
        u, tok, _ = reset_secrets(mails[0])
        r = sib.request('POST', '%s%s/%s/' % (P_RESET, u, tok),
                        json_body={'password': 'Reset-pass-3', 'password2': 'Reset-pass-3'})
        t.eq(r.status, 200, 'pbkdf2: reset-password')
        out.append(('reset-password', 'Reset-pass-3', stored(sib, uid)))
    t.eq(login_status(sib, email, 'Reset-pass-3'), 200, 'pbkdf2: the reset password logs in')
    _, _, adm = admin_user(sib, password='Admin-pass-4')
    _, uid2, _, _ = register(sib, password='Someone-pass-5')
    r = sib.request('POST', p_admin_user(uid2) + 'password/',
                    json_body={'password': 'Admin-set-6', 'password2': 'Admin-set-6'}, headers=adm)
    t.eq(r.status, 200, 'pbkdf2: the admin API sets a password')
    out.append(('the admin API\'s set-password', 'Admin-set-6', stored(sib, uid2)))
    add = new_email('hashadd')
    r = sib.request('POST', P_ADMIN_USERS, headers=adm, json_body={
        'email': add, 'name': 'Added', 'tc': True, 'password': 'Added-pass-7', 'password2': 'Added-pass-7'})
    if t.eq(r.status, 201, 'pbkdf2: the admin API adds a user'):
        out.append(('the admin API\'s add', 'Added-pass-7', stored(sib, uid_of(sib, add))))
    rc, _, err = admin_cli(sib, 'users', 'set-password', '--noinput', email,
                           env={'JWTAUTH_USER_PASSWORD': 'Cli-pass-8'})
    t.eq(rc, 0, 'pbkdf2: jwtauth-admin users set-password')
    out.append(('jwtauth-admin users set-password', 'Cli-pass-8', stored(sib, uid)))
    su = new_email('hashsu')
    rc, _, err = admin_cli(sib, 'createsuperuser', '--noinput', '--email', su, '--name', 'S', '--tc',
                           env={'JWTAUTH_SUPERUSER_PASSWORD': 'Super-pass-9'})
    if t.eq(rc, 0, 'pbkdf2: jwtauth-admin createsuperuser'):
        out.append(('jwtauth-admin createsuperuser', 'Super-pass-9', stored(sib, uid_of(sib, su))))
    return out


def keeps_originals(s, sib, t):
    """The original's hashes (made by Django now) log in on the pbkdf2 front end, untouched."""
    made = django([['make', 'Count-100k', 'pbkdf2_sha256', 100000], ['make', 'Sha1-pass', 'pbkdf2_sha1', None],
                   ['make', 'Argon-pass', 'argon2', None]])
    for h, pw, name in zip(made, ('Count-100k', 'Sha1-pass', 'Argon-pass'),
                           ('pbkdf2_sha256 of 100000', 'pbkdf2_sha1', 'argon2id')):
        t.ok(h.startswith(name.split()[0].replace('argon2id', 'argon2$argon2id$')), 'Django made %s' % name, h)
        email, uid, _, _ = register(s)
        set_stored(s, uid, h)
        t.eq(login_status(sib, email, pw + '!'), 404, 'pbkdf2: %s: a wrong password' % name)
        t.eq(login_status(sib, email, pw), 200, 'pbkdf2: %s: logs in' % name)
        t.eq(stored(s, uid), h, 'pbkdf2: %s: the row is left byte for byte' % name)


def rewrites_crypt(s, sib, t):
    """A hash only jwtauth reads ($y$, the stack's yescrypt) is rewritten to pbkdf2_sha256."""
    email, uid, _, _ = register(s, password='Yes-pass-10')
    before = stored(s, uid)
    t.ok(before.startswith('$y$'), 'the yescrypt front end wrote $y$', before[:10])
    t.eq(login_status(sib, email, 'Yes-pass-11'), 404, 'pbkdf2: $y$, a wrong password')
    t.eq(stored(s, uid), before, 'pbkdf2: $y$, a failed login changes nothing')
    t.eq(login_status(sib, email, 'Yes-pass-10'), 200, 'pbkdf2: $y$ logs in')
    after = stored(s, uid)
    t.ok(DJANGO_FORMAT.match(after), 'pbkdf2: the $y$ hash is rewritten to pbkdf2_sha256 at login', after)
    t.eq(django([['check', 'Yes-pass-10', after]]), [[True, False]], 'and Django reads the rewritten hash')
    t.eq(login_status(sib, email, 'Yes-pass-10'), 200, 'pbkdf2: the rewritten hash logs in')


def t_password_hash_upgrade(s, t):
    """The stack's own front end (yescrypt): an argon2 hash is upgraded to $y$ at login; a
    format nobody reads is a failed login, and stays."""
    h = django([['make', 'Argon-pass-2', 'argon2', None]])[0]
    email, uid, _, _ = register(s)
    set_stored(s, uid, h)
    t.eq(login_status(s, email, 'Argon-pass-3'), 404, 'yescrypt: argon2, a wrong password')
    t.eq(stored(s, uid), h, 'yescrypt: argon2, a failed login changes nothing')
    t.eq(login_status(s, email, 'Argon-pass-2'), 200, 'yescrypt: argon2 logs in')
    after = stored(s, uid)
    t.ok(after.startswith('$y$'), 'yescrypt: the argon2 hash is upgraded to $y$ at login', after)
    t.eq(login_status(s, email, 'Argon-pass-2'), 200, 'yescrypt: the upgraded hash logs in')
    for odd in ('scrypt$16384$8$1$salt$aGFzaA==', 'argon2$argon2x$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
                'argon2$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA'):
        email, uid, _, _ = register(s)
        set_stored(s, uid, odd)
        r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
        check(t, r, 404, BAD, 'yescrypt: %.22s: the usual failed login' % odd)
        t.eq(stored(s, uid), odd, 'yescrypt: %.22s: the row stays' % odd)
