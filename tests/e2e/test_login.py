"""Login: wrong and missing credentials, limits, inactive users, and users migrated from
Django with a PBKDF2 hash."""
import base64
import hashlib

from api import ALLOW_POST, CT_SEED, P_LOGIN, check, errors, new_email, register


def t_login(s, t):
    email, uid, _, _ = register(s, email=new_email('CaseUser'))
    bad = errors(non_field_errors=['email or password is not valid'])
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Wrong-pass-0'})
    check(t, r, 404, bad, 'wrong password', ctype=CT_SEED, allow=ALLOW_POST)
    t.eq(r.text, '{"errors": {"non_field_errors": ["email or password is not valid"]}}', 'wrong password: bytes')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'SECRET-PASS-1'})
    check(t, r, 404, bad, 'password case matters')
    r = s.request('POST', P_LOGIN, json_body={'email': new_email('nobody'), 'password': 'x'})
    check(t, r, 404, bad, 'unknown email')
    req = ['This field is required.']
    r = s.request('POST', P_LOGIN, json_body={})
    check(t, r, 400, errors(email=req, password=req), 'login {}')
    r = s.request('POST', P_LOGIN, json_body={'email': '', 'password': None})
    check(t, r, 400, errors(email=['This field may not be blank.'], password=['This field may not be null.']),
          'login blank/null')
    r = s.request('POST', P_LOGIN, json_body={'email': 'a@b', 'password': 'x'})
    check(t, r, 400, errors(email=['Enter a valid email address.']), 'login invalid email')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'q' * 256})
    check(t, r, 400, errors(password=['Ensure this field has no more than 255 characters.']), 'login password of 256')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'q' * 255})
    check(t, r, 404, bad, 'login password of 255 is checked, not rejected')
    r = s.request('POST', P_LOGIN, body='email=a@example.com', headers={'Content-Type': 'text/plain'})
    check(t, r, 415, errors(detail='Unsupported media type "text/plain" in request.'), 'login text/plain')
    s.db.sql('UPDATE accounts_user SET is_active=0 WHERE id=%d' % uid)
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    check(t, r, 404, bad, 'inactive user cannot log in')


def django_pbkdf2(password, salt='abcdefghijklmnopqrstuv', iterations=260000):
    dk = hashlib.pbkdf2_hmac('sha256', password.encode(), salt.encode(), iterations)
    return 'pbkdf2_sha256$%d$%s$%s' % (iterations, salt, base64.b64encode(dk).decode())


def t_login_migrated_pbkdf2(s, t):
    email = new_email('django')
    s.db.sql("INSERT INTO accounts_user (password, last_login, email, name, tc, is_active, is_admin, created_at, updated_at) "
             "VALUES ('%s', NULL, '%s', 'From Django', 1, 1, 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))"
             % (django_pbkdf2('Old-django-pass', iterations=1000), email))
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'wrong'})
    t.eq(r.status, 404, 'pbkdf2 user, wrong password: 404')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Old-django-pass'})
    t.eq(r.status, 200, 'pbkdf2 user logs in with the original password')
    h = s.db.sql("SELECT password FROM accounts_user WHERE email='%s'" % email).strip()
    t.ok(h.startswith('$y$'), 'hash replaced by yescrypt after the login', h[:12])
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Old-django-pass'})
    t.eq(r.status, 200, 'and the password still works')
    email2 = new_email('unusable')
    s.db.sql("INSERT INTO accounts_user (password, last_login, email, name, tc, is_active, is_admin, created_at, updated_at) "
             "VALUES ('!unusable', NULL, '%s', 'X', 1, 1, 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))" % email2)
    r = s.request('POST', P_LOGIN, json_body={'email': email2, 'password': '!unusable'})
    t.eq(r.status, 404, 'unusable password never matches')
