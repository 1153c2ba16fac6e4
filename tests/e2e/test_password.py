"""Password change and reset: validation, the reset mail, reset tokens (ours and Django's),
tokens that die with a change, concurrent resets."""
import base64
import hashlib
import hmac
import json
import re
import threading

from harness import SECRET
from api import (ALLOW_POST, BEARER, CT_SEED, PARSES, P_CHANGE, P_LOGIN, P_PROFILE, P_REFRESH, P_RESET,
                 P_SEND_RESET, b64url, check, errors, invalid, mails_since, new_email, register, reset_secrets)


def t_change_password(s, t):
    email, uid, access, refresh = register(s)
    auth = {'Authorization': 'Bearer ' + access}
    before = s.db.sql('SELECT password, updated_at FROM accounts_user WHERE id=%d' % uid)
    r = s.request('POST', P_CHANGE, json_body={'password': 'New-pass-1', 'password2': 'New-pass-2'}, headers=auth)
    check(t, r, 400, errors(non_field_errors=["Password and Confirm password doesn't match!"]), 'mismatch',
          ctype=CT_SEED, allow=ALLOW_POST)
    t.eq(s.db.sql('SELECT password, updated_at FROM accounts_user WHERE id=%d' % uid), before,
         'a failed change changes nothing')
    req = ['This field is required.']
    for body, want in (({}, errors(password=req, password2=req)), ({'password': 'abc'}, errors(password2=req)),
                       ({'password': '', 'password2': ''}, errors(password=['This field may not be blank.'],
                                                                  password2=['This field may not be blank.'])),
                       ({'password': 1234, 'password2': [1]}, errors(password2=['Not a valid string.'])),
                       ({'password': 'q' * 256, 'password2': 'q' * 256},
                        errors(password=['Ensure this field has no more than 255 characters.'],
                               password2=['Ensure this field has no more than 255 characters.']))):
        r = s.request('POST', P_CHANGE, json_body=body, headers=auth)
        check(t, r, 400, want, 'change %s' % json.dumps(body)[:40])
    r = s.request('POST', P_CHANGE, json_body={'password': 'N' * 255, 'password2': 'N' * 255}, headers=auth)
    check(t, r, 200, {'success': 'password changed successfully'}, 'password of 255')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'N' * 255})
    t.eq(r.status, 200, 'login with the 255-character password (SPEC_OVERRIDES 4)')
    # The change refused the tokens issued before it (issue 11): the new login's.
    old_auth, old_refresh = auth, refresh
    auth = {'Authorization': 'Bearer ' + (r.json or {}).get('access', '')}
    r = s.request('POST', P_CHANGE, json_body={'password': 'New-pass-22', 'password2': 'New-pass-22'}, headers=auth)
    check(t, r, 200, {'success': 'password changed successfully'}, 'change')
    t.eq(r.text, '{"success": "password changed successfully"}', 'change: bytes')
    t.eq(s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'}).status, 404,
         'old password no longer works')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'New-pass-22'})
    t.eq(r.status, 200, 'new password works')
    # The original let them live on; jwtauth refuses them (issue 11, README "Revocation on
    # password change"; tests/e2e/test_tokens_revoke.py has the rest).
    t.eq(s.request('GET', P_PROFILE, headers=old_auth).status, 401, 'the access token issued before is refused')
    t.eq(s.request('POST', P_REFRESH, json_body={'refresh': old_refresh}).status, 401,
         'the refresh token issued before is refused')
    refresh = (r.json or {}).get('refresh', '')
    auth = {'Authorization': 'Bearer ' + (r.json or {}).get('access', '')}
    body = {'password': 'x-pass-1', 'password2': 'x-pass-1'}
    r = s.request('POST', P_CHANGE, json_body=body)
    check(t, r, 401, errors(detail='Authentication credentials were not provided.'), 'no token', www_authenticate=BEARER)
    r = s.request('POST', P_CHANGE, json_body=body, headers={'Authorization': 'Bearer ' + refresh})
    check(t, r, 401, invalid('Token has wrong type'), 'refresh token as credentials')
    for m in ('GET', 'PUT'):
        r = s.request(m, P_CHANGE, headers=auth, json_body={} if m == 'PUT' else None)
        check(t, r, 405, errors(detail='Method "%s" not allowed.' % m), 'change %s' % m, allow=ALLOW_POST)
    r = s.request('POST', P_CHANGE, body='x', headers={**auth, 'Content-Type': 'text/plain'})
    check(t, r, 415, errors(detail='Unsupported media type "text/plain" in request.'), 'change text/plain')
    r = s.request('POST', P_CHANGE, body='x', headers={'Content-Type': 'text/plain'})
    t.eq(r.status, 401, 'authentication comes before the media type')


def t_reset_flow(s, t):
    import os
    email, uid, access, refresh = register(s, email=new_email('Reset.Me', 'Example.org'))
    stored = email.split('@')[0] + '@example.org'
    before = set(os.listdir(s.mail_dir))
    r = s.request('POST', P_SEND_RESET, json_body={'email': email.upper()})
    check(t, r, 200, {'success': 'password reset link sent successfully, please check your email.'},
          'send reset (any case)', ctype=CT_SEED, allow=ALLOW_POST)
    mails = mails_since(s, before)
    if not t.eq(len(mails), 1, 'one mail written'):
        return
    m = mails[0]
    t.eq((m['Subject'], m['From'], m['To'], m['Content-Type']),
         ('Reset Your Password', 'jwtauth@example.org', stored, 'text/plain; charset="utf-8"'),
         'subject, configured sender, stored address, content type')
    u, tok, body = reset_secrets(m)
    t.eq(base64.urlsafe_b64decode(u + '=' * (-len(u) % 4)).decode(), str(uid), 'uid is the base64 of the id')
    t.ok(re.fullmatch('[0-9a-z]+-[0-9a-f]{32}', tok) is not None, 'token shape', tok)
    t.eq(body.replace(u, 'UID').replace(tok, 'TOKEN'),
         'To reset your password at JWTAuth enter the uid and token provided below:\r\nuid:   UID\r\n'
         'token: TOKEN\r\n\r\nWarning: Do not share your reset password credentials i.e uid and token.\r\n'
         '                \r\n', 'the body text of the original')
    path = '%s%s/%s/' % (P_RESET, u, tok)
    r = s.request('POST', path, json_body={'password': 'Reset-1', 'password2': 'Reset-2'})
    check(t, r, 400, errors(non_field_errors=["Password and Confirm password doesn't match!"]), 'reset mismatch')
    for bad in ('garbage', 'abc-def', '1-2-3', tok[:-1] + ('0' if tok[-1] != '0' else '1')):
        r = s.request('POST', '%s%s/%s/' % (P_RESET, u, bad), json_body={'password': 'Reset-1', 'password2': 'Reset-1'})
        check(t, r, 400, errors(non_field_errors=['token may be expired or invalid!']), 'malformed token %s' % bad[:12])
    for bad in ('!!!', 'A', 'abc', 'bm90LWEtbnVtYmVy', b64url('987654321012'), '%C3%A9', b64url('-1')):
        r = s.request('POST', '%s%s/%s/' % (P_RESET, bad, tok), json_body={'password': 'Reset-1', 'password2': 'Reset-1'})
        check(t, r, 400, errors(non_field_errors=['token may be expired or invalid!']), 'bad uid %s' % bad)
    r = s.request('POST', path, json_body={})
    req = ['This field is required.']
    check(t, r, 400, errors(password=req, password2=req), 'reset {}')
    r = s.request('POST', path.rstrip('/'), json_body={'password': 'Reset-1', 'password2': 'Reset-1'})
    check(t, r, 301, name='reset without the slash', Location=path)
    r = s.request('POST', path, json_body={'password': 'Reset-new-1', 'password2': 'Reset-new-1'})
    check(t, r, 200, {'success': 'password reset successfully.'}, 'reset')
    t.eq(s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Reset-new-1'}).status, 200, 'new password')
    t.eq(s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'}).status, 404, 'old password')
    r = s.request('POST', path, json_body={'password': 'Reset-new-2', 'password2': 'Reset-new-2'})
    check(t, r, 400, errors(non_field_errors=['token may be expired or invalid!']), 'a token works once')
    # A token mailed before a password change is dead.  (One reset mail a minute per
    # address, [throttle] reset_address_limit: the minute is made to pass in the database.)
    minute_passes(s)
    before = set(os.listdir(s.mail_dir))
    s.request('POST', P_SEND_RESET, json_body={'email': email})
    u2, tok2, _ = reset_secrets(mails_since(s, before)[0])
    l = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Reset-new-1'})
    r = s.request('POST', P_CHANGE, json_body={'password': 'Changed-1', 'password2': 'Changed-1'},
                  headers={'Authorization': 'Bearer ' + l.json['access']})
    t.eq(r.status, 200, 'change password')
    r = s.request('POST', '%s%s/%s/' % (P_RESET, u2, tok2), json_body={'password': 'R-1', 'password2': 'R-1'})
    check(t, r, 400, errors(non_field_errors=['token may be expired or invalid!']), 'token from before a change')
    # Two concurrent uses of one token: exactly one wins.
    minute_passes(s)
    before = set(os.listdir(s.mail_dir))
    s.request('POST', P_SEND_RESET, json_body={'email': email})
    u3, tok3, _ = reset_secrets(mails_since(s, before)[0])
    out = []

    def go(i):
        out.append(s.request('POST', '%s%s/%s/' % (P_RESET, u3, tok3),
                             json_body={'password': 'Race-%d' % i, 'password2': 'Race-%d' % i}).status)
    th = [threading.Thread(target=go, args=(i,)) for i in range(4)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    t.eq(sorted(out), [200, 400, 400, 400], 'one token, four concurrent resets: one succeeds')
    # A reset link made by the original (Django's algorithm, computed here) works.
    row = s.db.sql("SELECT id, password, IFNULL(DATE_FORMAT(last_login, '%%Y-%%m-%%d %%H:%%i:%%s'), ''), email "
                   "FROM accounts_user WHERE id=%d" % uid).rstrip('\n').split('\t')
    ts = django_ts()
    key = hashlib.sha256(('django.contrib.auth.tokens.PasswordResetTokenGenerator' + SECRET).encode()).digest()
    digest = hmac.new(key, ('%s%s%s%d%s' % (row[0], row[1], row[2], ts, row[3])).encode(), hashlib.sha256).hexdigest()[::2]
    r = s.request('POST', '%s%s/%s-%s/' % (P_RESET, b64url(str(uid)), b36(ts), digest),
                  json_body={'password': 'From-django-1', 'password2': 'From-django-1'})
    check(t, r, 200, {'success': 'password reset successfully.'}, 'a reset token made as Django makes it')
    stale = ts - 601
    digest = hmac.new(key, ('%s%s%s%d%s' % (row[0], row[1], row[2], stale, row[3])).encode(),
                      hashlib.sha256).hexdigest()[::2]
    r = s.request('POST', '%s%s/%s-%s/' % (P_RESET, b64url(str(uid)), b36(stale), digest),
                  json_body={'password': 'Late-1', 'password2': 'Late-1'})
    t.eq(r.status, 400, 'a token 601 s old is expired')


def minute_passes(s):
    """End every reset mail's one-a-minute window (test_throttle.py tests the limit)."""
    s.db.sql("UPDATE jwtauth_throttle SET window_end = 0 WHERE scope = 'reset_address'")


def django_ts():
    import datetime
    local = datetime.datetime.utcnow() + datetime.timedelta(hours=5, minutes=30)
    return int((local - datetime.datetime(2001, 1, 1)).total_seconds())


def b36(n):
    chars = '0123456789abcdefghijklmnopqrstuvwxyz'
    out = ''
    while True:
        n, r = divmod(n, 36)
        out = chars[r] + out
        if n == 0:
            return out


def t_send_reset_validation(s, t):
    import os
    before = set(os.listdir(s.mail_dir))
    r = s.request('POST', P_SEND_RESET, json_body={'email': new_email('nobody')})
    check(t, r, 400, errors(non_field_errors=['user is not registered']), 'unknown address')
    t.eq(len(mails_since(s, before)), 0, 'no mail for an unknown address')
    for body, want in (({}, 'This field is required.'), ({'email': ''}, 'This field may not be blank.'),
                       ({'email': None}, 'This field may not be null.'), ({'email': 'x'}, 'Enter a valid email address.')):
        r = s.request('POST', P_SEND_RESET, json_body=body)
        check(t, r, 400, errors(email=[want]), 'send reset %s' % json.dumps(body))
    r = s.request('OPTIONS', P_SEND_RESET)
    check(t, r, 200, {'name': 'Send Password Reset Email', 'description': '', 'renders': ['application/json'],
                      'parses': PARSES}, 'OPTIONS send reset')
    r = s.request('OPTIONS', P_RESET + 'a/b/')
    t.eq(r.json['name'] if r.json else None, 'User Password Reset', 'OPTIONS reset')
