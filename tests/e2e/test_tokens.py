"""Tokens: the Authorization header, access tokens as the views check them, the refresh and
verify views, and tokens with any JOSE typ."""
import json
import time

from api import (ALLOW_GET, ALLOW_POST, BEARER, CT_DRF, CT_SEED, P_CHANGE, P_LOGIN, P_PROFILE, P_REFRESH,
                 P_VERIFY, check, claims, errors, forge, invalid, jwt_parts, register, vary_accept)


def t_auth_header_forms(s, t):
    email, uid, access, refresh = register(s)
    nope = errors(detail='Authentication credentials were not provided.')
    r = s.request('GET', P_PROFILE)
    check(t, r, 401, nope, 'no Authorization', ctype=CT_SEED, allow=ALLOW_GET, www_authenticate=BEARER)
    for a in ('Token ' + access, 'Basic dXNlcjpwYXNz', 'JWT ' + access, 'bearer ' + access, '', '   '):
        r = s.request('GET', P_PROFILE, headers={'Authorization': a})
        check(t, r, 401, nope, 'scheme %r' % a[:10])
    two = errors(detail='Authorization header must contain two space-delimited values', code='bad_authorization_header')
    for a in ('Bearer', 'Bearer ', 'Bearer %s extra' % access, 'Bearer\ta b'):
        r = s.request('GET', P_PROFILE, headers={'Authorization': a})
        check(t, r, 401, two, 'header %r' % a[:20], www_authenticate=BEARER)
    r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer\t' + access})
    t.eq(r.status, 200, 'tab between Bearer and the token (bytes.split)')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'},
                  headers={'Authorization': 'Bearer garbage'})
    t.eq(r.status, 401, 'a bad token fails even on login (DEFAULT_AUTHENTICATION_CLASSES)')


def t_auth_tokens(s, t):
    email, uid, access, refresh = register(s)
    h, p, sig = access.split('.')
    now = int(time.time())
    cases = [
        ('garbage', 'not-a-jwt', invalid()),
        ('three dots', 'a.b.c', invalid()),
        ('tampered signature', '%s.%s.%s' % (h, p, ('A' if sig[0] != 'A' else 'B') + sig[1:]), invalid()),
        ('signature removed', '%s.%s.' % (h, p), invalid()),
        ('alg none', forge(claims(uid), header={'alg': 'none', 'typ': 'JWT'}, signature=''), invalid()),
        ('alg None', forge(claims(uid), header={'alg': 'None', 'typ': 'JWT'}, signature=''), invalid()),
        ('HS512', forge(claims(uid), alg='HS512'), invalid()),
        ('HS384', forge(claims(uid), alg='HS384'), invalid()),
        ('RS256 label', forge(claims(uid), header={'alg': 'RS256', 'typ': 'JWT'}), invalid()),
        ('wrong secret', forge(claims(uid), secret='some-other-secret-of-enough-length!!'), invalid()),
        ('expired', forge(claims(uid, iat=now - 400)), invalid()),
        ('expired long ago', forge(claims(uid, iat=now - 86400 * 2)), invalid()),
        ('exp is now', forge({**claims(uid), 'exp': now}), invalid()),
        ('iat in the future', forge(claims(uid, iat=now + 120)), invalid()),
        ('nbf in the future', forge(claims(uid, nbf=now + 120)), invalid()),
        ('exp a string', forge({**claims(uid), 'exp': str(now + 100)}), invalid()),
        ('iat a string', forge({**claims(uid), 'iat': 'yesterday'}), invalid()),
        ('nbf a list', forge({**claims(uid), 'nbf': [1]}), invalid()),
        ('exp true', forge({**claims(uid), 'exp': True}), invalid()),
        ('payload not an object', forge([1, 2]), invalid()),
        ('refresh token', refresh, invalid('Token has wrong type')),
        ('token_type Access', forge(claims(uid, token_type='Access')), invalid('Token has wrong type')),
        ('token_type sliding', forge(claims(uid, token_type='sliding')), invalid('Token has wrong type')),
        ('token_type 1', forge(claims(uid, token_type=1)), invalid('Token has wrong type')),
        ('no user_id', forge(claims(None)), errors(detail='Token contained no recognizable user identification',
                                                   code='token_not_valid')),
        ('unknown user', forge(claims(987654321012)), errors(detail='User not found', code='user_not_found')),
        ('user_id text', forge(claims('abc')), errors(detail='User not found', code='user_not_found')),
        ('user_id null', forge({**claims(None), 'user_id': None}), errors(detail='User not found', code='user_not_found')),
        ('user_id list', forge(claims([uid])), errors(detail='User not found', code='user_not_found')),
        ('user_id bool', forge(claims(True)), errors(detail='User not found', code='user_not_found')),
    ]
    for drop, msg in (('token_type', 'Token has no type'), ('jti', 'Token has no id'), ('exp', "Token has no 'exp' claim")):
        c = claims(uid)
        del c[drop]
        cases.append(('without ' + drop, forge(c), invalid(msg)))
    for name, tok, want in cases:
        r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + tok})
        check(t, r, 401, want, name, www_authenticate=BEARER, allow=ALLOW_GET)
    ok = {'id': uid, 'email': email, 'name': 'Test User', 'tc': True}
    c = claims(uid)
    del c['iat']
    for name, tok in (('forged with simplejwt claims', forge(claims(uid))), ('without iat', forge(c)),
                      ('user_id as a string', forge(claims(str(uid)))),
                      ('user_id as " 12 "', forge(claims(' %d ' % uid))),
                      ('user_id as a float', forge(claims(float(uid)))),
                      ('extra claims and typ-less header', forge(claims(uid, aud='x', foo=[1]), header={'alg': 'HS256'}))):
        r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + tok})
        check(t, r, 200, ok, name)
    s.db.sql('UPDATE accounts_user SET is_active=0 WHERE id=%d' % uid)
    r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + access})
    check(t, r, 401, errors(detail='User is inactive', code='user_inactive'), 'inactive user')
    s.db.sql('DELETE FROM accounts_user WHERE id=%d' % uid)
    r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + access})
    check(t, r, 401, errors(detail='User not found', code='user_not_found'), 'deleted user')


def t_token_refresh(s, t):
    email, uid, access, refresh = register(s)
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    check(t, r, 200, name='refresh', ctype=CT_DRF, allow=ALLOW_POST, vary=vary_accept(s))
    t.eq(sorted(r.json), ['access'], 'refresh: only access (no rotation)')
    h, p, _ = jwt_parts(r.json['access'])
    t.eq((h, sorted(p), p['token_type'], p['user_id']), ({'alg': 'HS256', 'typ': 'JWT'},
         ['exp', 'iat', 'jti', 'token_type', 'user_id'], 'access', uid), 'refreshed access token claims')
    t.ok(r.text.startswith('{"access":"ey'), 'compact DRF JSON', r.text[:20])
    old = int(time.time()) - 1000
    tok = forge(claims(uid, token_type='refresh', lifetime=86400, iat=old, custom='kept'))
    r = s.request('POST', P_REFRESH, json_body={'refresh': tok})
    h, p, _ = jwt_parts(r.json['access'])
    t.eq((p['iat'], p['custom']), (old, 'kept'), 'iat and other claims are copied from the refresh token')
    t.ok(abs(p['exp'] - int(time.time()) - 300) <= 5, 'exp counts from now')
    pr = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(pr.status, 200, 'the refreshed access token works')
    bad = {'detail': 'Token is invalid or expired', 'code': 'token_not_valid'}
    for name, tokn, want in (('garbage', 'not-a-jwt', bad),
                             ('tampered', refresh[:-2] + ('AA' if refresh[-2:] != 'AA' else 'BB'), bad),
                             ('wrong secret', forge(claims(uid, 'refresh', 86400), secret='x' * 40), bad),
                             ('expired', forge(claims(uid, 'refresh', 86400, iat=int(time.time()) - 90000)), bad),
                             ('access token', access, {'detail': 'Token has wrong type', 'code': 'token_not_valid'})):
        r = s.request('POST', P_REFRESH, json_body={'refresh': tokn})
        check(t, r, 401, want, 'refresh with ' + name, www_authenticate=BEARER, ctype=CT_DRF)
    r = s.request('POST', P_REFRESH, json_body={})
    check(t, r, 400, {'refresh': ['This field is required.']}, 'refresh {}')
    t.eq(r.text, '{"refresh":["This field is required."]}', 'refresh {}: bytes')
    r = s.request('POST', P_REFRESH, json_body={'refresh': ''})
    check(t, r, 400, {'refresh': ['This field may not be blank.']}, 'refresh blank')
    r = s.request('POST', P_REFRESH, json_body={'refresh': None})
    check(t, r, 400, {'refresh': ['This field may not be null.']}, 'refresh null')
    r = s.request('POST', P_REFRESH, body='{"refresh": ', headers={'Content-Type': 'application/json'})
    t.ok(r.status == 400 and r.json['detail'].startswith('JSON parse error - '), 'refresh parse error (plain)', r)
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh}, headers={'Accept': 'application/json; indent=2'})
    t.ok(r.text.startswith('{\n  "access": "ey'), 'Accept indent=2 indents', r.text[:30])
    s.db.sql('UPDATE accounts_user SET is_active=0 WHERE id=%d' % uid)
    gone = {'detail': 'No active account found for the given token.', 'code': 'no_active_account'}
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    check(t, r, 401, gone, 'refresh for an inactive user', www_authenticate=BEARER)
    s.db.sql('DELETE FROM accounts_user WHERE id=%d' % uid)
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    check(t, r, 401, gone, 'refresh for a deleted user')


def t_token_verify(s, t):
    email, uid, access, refresh = register(s)
    untyped = claims(uid)
    del untyped['token_type']
    # simplejwt's UntypedToken: signature, algorithm, time claims and jti; nothing else.
    for name, tok in (('access', access), ('refresh', refresh), ('no user_id', forge(claims(None))),
                      ('no token_type', forge(untyped)), ('token_type sliding', forge(claims(uid, 'sliding'))),
                      ('token_type a number', forge(claims(uid, 7))),
                      ('user_id naming nobody', forge(claims(987654321012))),
                      ('typ at+jwt', forge(claims(uid), header={'alg': 'HS256', 'typ': 'at+jwt'}))):
        r = s.request('POST', P_VERIFY, json_body={'token': tok})
        check(t, r, 200, {}, 'verify ' + name, ctype=CT_DRF, vary=vary_accept(s))
        t.eq(r.text, '{}', 'verify %s: bytes' % name)
    no_jti = claims(uid)
    del no_jti['jti']
    no_exp = claims(uid)
    del no_exp['exp']
    now = int(time.time())
    for name, tok, msg in (('garbage', 'not-a-jwt', 'Token is invalid or expired'),
                           ('expired', forge(claims(uid, iat=now - 400)), 'Token is invalid or expired'),
                           ('alg none', forge(claims(uid), header={'alg': 'none'}, signature=''),
                            'Token is invalid or expired'),
                           ('HS512', forge(claims(uid), alg='HS512'), 'Token is invalid or expired'),
                           ('no jti', forge(no_jti), 'Token has no id'),
                           ('no exp', forge(no_exp), "Token has no 'exp' claim")):
        r = s.request('POST', P_VERIFY, json_body={'token': tok})
        check(t, r, 401, {'detail': msg, 'code': 'token_not_valid'}, 'verify ' + name, www_authenticate=BEARER)
    for body, want in (({}, 'This field is required.'), ({'token': ''}, 'This field may not be blank.'),
                       ({'token': None}, 'This field may not be null.'), ({'token': True}, 'Not a valid string.')):
        r = s.request('POST', P_VERIFY, json_body=body)
        check(t, r, 400, {'token': [want]}, 'verify %s' % json.dumps(body))
    r = s.request('POST', P_VERIFY, body='[]', headers={'Content-Type': 'application/json'})
    check(t, r, 400, {'non_field_errors': ['Invalid data. Expected a dictionary, but got list.']}, 'verify []')


def t_any_typ(s, t):
    """PyJWT accepts any JOSE typ (or none, or extra members): so must every view."""
    headers = (('typ at+jwt', {'alg': 'HS256', 'typ': 'at+jwt'}), ('no typ', {'alg': 'HS256'}),
               ('kid and cty', {'kid': 'key-1', 'alg': 'HS256', 'typ': 'JWT', 'cty': 'JWT'}))
    for name, hdr in headers:
        # A user each: a password change refuses the tokens issued in its second (issue 11).
        email, uid, _, _ = register(s)
        r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + forge(claims(uid), header=hdr)})
        check(t, r, 200, name='profile, access token with %s' % name)
        t.eq((r.json or {}).get('id'), uid, 'profile, access token with %s: the user' % name)
        r = s.request('POST', P_REFRESH, json_body={'refresh': forge(claims(uid, 'refresh', 86400), header=hdr)})
        check(t, r, 200, name='refresh token with %s' % name)
        if r.status == 200:
            t.eq(jwt_parts(r.json['access'])[0], {'alg': 'HS256', 'typ': 'JWT'},
                 'refresh token with %s: the new access token has the original\'s header' % name)
        r = s.request('POST', P_VERIFY, json_body={'token': forge(claims(uid), header=hdr)})
        check(t, r, 200, {}, 'verify, token with %s' % name)
        r = s.request('POST', P_CHANGE, json_body={'password': 'Secret-pass-1', 'password2': 'Secret-pass-1'},
                      headers={'Authorization': 'Bearer ' + forge(claims(uid), header=hdr)})
        check(t, r, 200, name='changepassword, access token with %s' % name)
    # The algorithm stays pinned whatever the typ.
    r = s.request('GET', P_PROFILE, headers={
        'Authorization': 'Bearer ' + forge(claims(uid), header={'alg': 'HS512', 'typ': 'at+jwt'}, alg='HS512')})
    check(t, r, 401, name='profile, HS512 with typ at+jwt', www_authenticate=BEARER)
