"""Logout and refresh-token revocation (simplejwt's token_blacklist tables), revocation on
password change, rotation with reuse detection, CHECK_REVOKE_TOKEN, Cache-Control: no-store
and jwtauth-admin flushexpiredtokens (issue 11, items 3, 4 and 8)."""
import hashlib
import os
import threading
import time

import harness
from api import (ALLOW_POST, BEARER, CT_DRF, CT_SEED, P_CHANGE, P_LOGIN, P_PROFILE, P_REFRESH, P_RESET,
                 P_SEND_RESET, P_VERIFY, admin_cli, admin_user, check, claims, errors, forge, invalid,
                 jwt_parts, login, mails_since, new_email, p_admin_user, register, reset_secrets, vary_accept)

P_BLACKLIST = '/api/user/token/blacklist/'
P_LOGOUT = '/api/user/logout/'

BLACKLISTED = {'detail': 'Token is blacklisted', 'code': 'token_not_valid'}
EXPIRED = {'detail': 'Token is invalid or expired', 'code': 'token_not_valid'}
PW_CHANGED = {'detail': "The user's password has been changed.", 'code': 'password_changed'}


def bearer(tok):
    return {'Authorization': 'Bearer ' + tok}


def outstanding(s, jti):
    """The outstanding row of jti: (user_id, created_at, expires_at, token, blacklisted), or None."""
    out = s.db.sql("SELECT IFNULL(o.user_id, 'NULL'), TIMESTAMPDIFF(MICROSECOND, '1970-01-01', o.created_at) / 1e6, "
                   "TIMESTAMPDIFF(MICROSECOND, '1970-01-01', o.expires_at) / 1e6, "
                   "o.token, b.id IS NOT NULL FROM token_blacklist_outstandingtoken o "
                   "LEFT JOIN token_blacklist_blacklistedtoken b ON b.token_id = o.id WHERE o.jti = '%s'" % jti)
    if not out.strip():
        return None
    uid, created, expires, token, bl = out.rstrip('\n').split('\t')
    return uid, float(created) if created != 'NULL' else None, float(expires), token, bl == '1'


def t_tokens_recorded(s, t):
    """Every refresh token issued (register, login) is an OutstandingToken row as simplejwt's
    for_user() makes it; the token answers carry Cache-Control: no-store, errors too."""
    email = new_email('rec')
    r = s.request('POST', '/api/user/register/', json_body={'email': email, 'name': 'R', 'password': 'Secret-pass-1',
                                                           'password2': 'Secret-pass-1', 'tc': True})
    check(t, r, 201, name='register', cache_control='no-store')
    refresh = r.json['refresh']
    p = jwt_parts(refresh)[1]
    row = outstanding(s, p['jti'])
    t.ok(row is not None, 'register: the refresh token is outstanding')
    if row:
        t.eq(row[0], str(p['user_id']), 'register: outstanding user_id')
        t.ok(abs(row[1] - p['iat']) < 1, 'register: created_at is the time of issue (iat)', (row[1], p['iat']))
        t.eq(row[2], float(p['exp']), 'register: expires_at is exp')
        t.eq(row[3], refresh, 'register: the token text')
        t.eq(row[4], False, 'register: not blacklisted')
    t.ok(outstanding(s, jwt_parts(r.json['access'])[1]['jti']) is None, 'access tokens are not recorded')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    check(t, r, 200, name='login', cache_control='no-store')
    t.ok(outstanding(s, jwt_parts(r.json['refresh'])[1]['jti']) is not None, 'login: the refresh token is outstanding')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'wrong'})
    check(t, r, 404, name='login refused', cache_control='no-store')
    r = s.request('POST', '/api/user/register/', json_body={})
    check(t, r, 400, name='register refused', cache_control='no-store')
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    check(t, r, 200, name='refresh', ctype=CT_DRF, cache_control='no-store')
    t.eq(sorted(r.json), ['access'], 'refresh without rotation (the default): the access token only')
    r = s.request('POST', P_REFRESH, json_body={'refresh': 'garbage'})
    check(t, r, 401, EXPIRED, 'refresh refused', cache_control='no-store')
    r = s.request('GET', P_PROFILE, headers=bearer(login(s, email)[0]))
    check(t, r, 200, name='profile', cache_control=None)


def t_blacklist_view(s, t):
    """POST /api/user/token/blacklist/: simplejwt 5.2.2's TokenBlacklistView."""
    email, uid, access, refresh = register(s)
    r = s.request('OPTIONS', P_BLACKLIST)
    check(t, r, 200, name='OPTIONS blacklist', ctype=CT_DRF, allow=ALLOW_POST, vary=vary_accept(s))
    t.eq(r.text, '{"name":"Token Blacklist","description":"Takes a token and blacklists it. Must be used with '
         'the\\n`rest_framework_simplejwt.token_blacklist` app installed.","renders":["application/json",'
         '"text/html"],"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"],'
         '"actions":{"POST":{"refresh":{"type":"string","required":true,"read_only":false,"label":"Refresh"}}}}',
         'OPTIONS blacklist: bytes (DRF 3.14 + simplejwt 5.2.2)')
    r = s.request('POST', P_BLACKLIST, json_body={})
    check(t, r, 400, {'refresh': ['This field is required.']}, 'blacklist: no refresh', ctype=CT_DRF)
    r = s.request('POST', P_BLACKLIST, json_body={'refresh': 'abc'})
    check(t, r, 401, EXPIRED, 'blacklist: garbage', www_authenticate=BEARER)
    t.eq(r.text, '{"detail":"Token is invalid or expired","code":"token_not_valid"}', 'blacklist: garbage: bytes')
    r = s.request('POST', P_BLACKLIST, json_body={'refresh': access})
    check(t, r, 401, {'detail': 'Token has wrong type', 'code': 'token_not_valid'}, 'blacklist: an access token')
    r = s.request('GET', P_BLACKLIST)
    check(t, r, 405, {'detail': 'Method "GET" not allowed.'}, 'GET blacklist', allow=ALLOW_POST)
    r = s.request('POST', P_BLACKLIST, json_body={'refresh': refresh})
    check(t, r, 200, {}, 'blacklist', ctype=CT_DRF, allow=ALLOW_POST)
    t.eq(r.text, '{}', 'blacklist: bytes')
    t.eq(outstanding(s, jwt_parts(refresh)[1]['jti'])[4], True, 'blacklist: a token_blacklist_blacklistedtoken row')
    for path, body, name in ((P_BLACKLIST, {'refresh': refresh}, 'blacklist again'),
                             (P_REFRESH, {'refresh': refresh}, 'refresh'),
                             (P_VERIFY, {'token': refresh}, 'verify')):
        r = s.request('POST', path, json_body=body)
        check(t, r, 401, BLACKLISTED, 'blacklisted: %s' % name, ctype=CT_DRF, www_authenticate=BEARER)
    r = s.request('GET', P_PROFILE, headers=bearer(access))
    t.eq(r.status, 200, 'blacklisting a refresh token leaves the access tokens (stateless, until they expire)')
    r = s.request('POST', P_VERIFY, json_body={'token': access})
    check(t, r, 200, {}, 'verify: an access token of the blacklisted refresh token')
    # A refresh token never recorded (made elsewhere with the key): blacklist() creates the
    # outstanding row as simplejwt's get_or_create does, without a user.
    alien = forge(claims(uid, token_type='refresh', lifetime=3600))
    r = s.request('POST', P_BLACKLIST, json_body={'refresh': alien})
    check(t, r, 200, {}, 'blacklist: a token never recorded')
    row = outstanding(s, jwt_parts(alien)[1]['jti'])
    t.ok(row is not None and row[0] == 'NULL' and row[1] is None and row[4] and row[3] == alien,
         'blacklist: the outstanding row made as get_or_create does (no user, no created_at)', row)
    r = s.request('POST', P_REFRESH, json_body={'refresh': alien})
    check(t, r, 401, BLACKLISTED, 'refresh: the token blacklisted without a record')
    r = s.request('POST', P_BLACKLIST, json_body={'refresh': forge({k: v for k, v in claims(
        uid, token_type='refresh').items() if k != 'jti'})})
    check(t, r, 401, {'detail': 'Token has no id', 'code': 'token_not_valid'}, 'blacklist: no jti')


def t_logout(s, t):
    """POST /api/user/logout/: the authenticated user's refresh token blacklisted."""
    email, uid, access, refresh = register(s)
    other_email, other_uid, other_access, other_refresh = register(s)
    r = s.request('POST', P_LOGOUT, json_body={'refresh': refresh})
    check(t, r, 401, errors(detail='Authentication credentials were not provided.'), 'logout: anonymous',
          ctype=CT_SEED, allow=ALLOW_POST, www_authenticate=BEARER)
    r = s.request('POST', P_LOGOUT, json_body={'refresh': refresh}, headers=bearer('garbage'))
    check(t, r, 401, invalid(), 'logout: a bad access token')
    r = s.request('POST', P_LOGOUT, json_body={}, headers=bearer(access))
    check(t, r, 400, errors(refresh=['This field is required.']), 'logout: no refresh', ctype=CT_SEED)
    r = s.request('POST', P_LOGOUT, json_body={'refresh': 'garbage'}, headers=bearer(access))
    check(t, r, 400, errors(refresh=['Token is invalid or expired']), 'logout: an invalid refresh token')
    r = s.request('POST', P_LOGOUT, json_body={'refresh': access}, headers=bearer(access))
    check(t, r, 400, errors(refresh=['Token has wrong type']), 'logout: an access token as refresh')
    r = s.request('POST', P_LOGOUT, json_body={'refresh': other_refresh}, headers=bearer(access))
    check(t, r, 400, errors(refresh=['Token does not belong to the authenticated user.']),
          "logout: another user's refresh token")
    t.eq(s.request('POST', P_REFRESH, json_body={'refresh': other_refresh}).status, 200,
         "logout: another user's refresh token is left alone")
    r = s.request('GET', P_LOGOUT, headers=bearer(access))
    check(t, r, 405, errors(detail='Method "GET" not allowed.'), 'GET logout', allow=ALLOW_POST)
    r = s.request('POST', P_LOGOUT, form={'refresh': refresh}, headers=bearer(access))
    check(t, r, 200, {'success': 'logged out successfully'}, 'logout (a form)', ctype=CT_SEED, allow=ALLOW_POST)
    t.eq(r.text, '{"success": "logged out successfully"}', 'logout: bytes')
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    check(t, r, 401, BLACKLISTED, 'refresh after logout')
    r = s.request('POST', P_LOGOUT, json_body={'refresh': refresh}, headers=bearer(access))
    check(t, r, 400, errors(refresh=['Token is blacklisted']), 'logout twice')
    t.eq(s.request('GET', P_PROFILE, headers=bearer(access)).status, 200,
         'logout: the access token in hand lives until it expires')
    a2, r2 = login(s, email)
    t.eq(s.request('POST', P_REFRESH, json_body={'refresh': r2}).status, 200,
         'logout ends one session: a new login works')


def t_revoke_on_password_change(s, t):
    """Tokens issued before a password change (changepassword, reset, admin set-password through
    the API and jwtauth-admin) or a deactivation are refused everywhere; new ones work at once.
    The session that changes its own password stays logged in (Django's update_session_auth_hash;
    the original's changepassword_success case expects that session's tokens to keep working)."""
    email, uid, access, refresh = register(s)
    # A second session, issued in a later second than the first.
    time.sleep(1.05 - time.time() % 1)
    b_access, b_refresh = login(s, email)
    kept = jwt_parts(access)[1]['iat']
    t.ok(jwt_parts(b_access)[1]['iat'] > kept, 'the second session has a later iat')
    r = s.request('POST', P_CHANGE, json_body={'password': 'New-pass-1', 'password2': 'New-pass-1'},
                  headers=bearer(access))
    check(t, r, 200, {'success': 'password changed successfully'}, 'change')
    changed = time.time()
    row = s.db.sql('SELECT revoked_at, kept_iat FROM jwtauth_user_revocation WHERE user_id = %d' % uid).split()
    revoked_at = int(row[0])
    t.ok(changed - 2 <= revoked_at <= changed, 'the revocation time is the change, in whole seconds',
         (revoked_at, changed))
    t.eq(int(row[1]), kept, 'the session that changed the password is kept')
    # The other session is refused everywhere.
    check(t, s.request('GET', P_PROFILE, headers=bearer(b_access)), 401, invalid(),
          'profile with another session\'s access token issued before the change', www_authenticate=BEARER)
    check(t, s.request('POST', P_REFRESH, json_body={'refresh': b_refresh}), 401, EXPIRED,
          'refresh with another session\'s refresh token issued before the change', ctype=CT_DRF)
    for tok, name in ((b_access, 'access'), (b_refresh, 'refresh')):
        check(t, s.request('POST', P_VERIFY, json_body={'token': tok}), 401, EXPIRED,
              'verify: the other session\'s %s token issued before the change' % name)
    check(t, s.request('POST', P_CHANGE, json_body={'password': 'x', 'password2': 'x'},
                       headers=bearer(b_access)),
          401, invalid(), 'changepassword with the other session\'s access token')
    check(t, s.request('POST', P_LOGOUT, json_body={'refresh': b_refresh}, headers=bearer(b_access)), 401,
          invalid(), 'logout with the other session\'s access token')
    # The session that made the change keeps working: profile, refresh, verify, a second change.
    check(t, s.request('GET', P_PROFILE, headers=bearer(access)), 200, name='profile: the changing session is kept')
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    t.eq(r.status, 200, 'refresh: the changing session\'s refresh token is kept')
    if r.status == 200:
        check(t, s.request('GET', P_PROFILE, headers=bearer(r.json['access'])), 200,
              name='the access token it refreshes works')
    check(t, s.request('POST', P_VERIFY, json_body={'token': refresh}), 200, {}, 'verify: the kept session')
    r = s.request('POST', P_CHANGE, json_body={'password': 'New-pass-1', 'password2': 'New-pass-1'},
                  headers=bearer(access))
    check(t, r, 200, {'success': 'password changed successfully'}, 'the kept session changes it again')
    row = s.db.sql('SELECT revoked_at, kept_iat FROM jwtauth_user_revocation WHERE user_id = %d' % uid).split()
    revoked_at = int(row[0])
    # A new login in the same second as the change: the new pair's iat is past the
    # revocation time (the login waits for the next second when it must), so it works.
    start = time.time()
    a2, r2 = login(s, email, 'New-pass-1')
    took = time.time() - start
    t.ok(jwt_parts(a2)[1]['iat'] > revoked_at, 'a pair issued after the change has iat > the revocation time',
         (jwt_parts(a2)[1]['iat'], revoked_at))
    t.ok(took < 2.5, 'the login waited at most for the next second', took)
    check(t, s.request('GET', P_PROFILE, headers=bearer(a2)), 200, name='profile with the new access token')
    check(t, s.request('POST', P_REFRESH, json_body={'refresh': r2}), 200, name='refresh with the new refresh token')
    check(t, s.request('POST', P_VERIFY, json_body={'token': r2}), 200, {}, 'verify the new refresh token')
    # The same second, without waiting: a token forged with iat == the revocation time is
    # refused (issued in that second, maybe before the change), iat + 1 is not, nor the kept iat.
    for iat, want in ((kept - 1, 401), (revoked_at, 401 if revoked_at != kept else 200),
                      (revoked_at + 1, 200), (kept, 200)):
        tok = forge(claims(uid, iat=iat))
        t.eq(s.request('GET', P_PROFILE, headers=bearer(tok)).status, want,
             'an access token with iat = revocation time %+d (kept: %+d)' % (iat - revoked_at, kept - revoked_at))

    # Reset by mail.
    before = set(os.listdir(s.mail_dir))
    r = s.request('POST', P_SEND_RESET, json_body={'email': email})
    t.eq(r.status, 200, 'reset mail sent')
    u, tok = reset_secrets(mails_since(s, before)[-1])[:2]
    r = s.request('POST', '%s%s/%s/' % (P_RESET, u, tok), json_body={'password': 'Reset-1', 'password2': 'Reset-1'})
    check(t, r, 200, {'success': 'password reset successfully.'}, 'reset')
    check(t, s.request('GET', P_PROFILE, headers=bearer(a2)), 401, invalid(), 'profile: refused after the reset')
    check(t, s.request('GET', P_PROFILE, headers=bearer(access)), 401, invalid(),
          'a reset keeps no session: the one that changed the password before is refused now')
    check(t, s.request('POST', P_REFRESH, json_body={'refresh': r2}), 401, EXPIRED, 'refresh: refused after the reset')

    # An admin's set-password through the API, then a deactivation.
    _, _, adm = admin_user(s)
    a3, r3 = login(s, email, 'Reset-1')
    r = s.request('POST', p_admin_user(uid) + 'password/', json_body={'password': 'Adm-1', 'password2': 'Adm-1'},
                  headers=adm)
    check(t, r, 200, name='admin set-password')
    check(t, s.request('GET', P_PROFILE, headers=bearer(a3)), 401, invalid(), 'refused after the admin set-password')
    a4, r4 = login(s, email, 'Adm-1')
    r = s.request('PATCH', p_admin_user(uid), json_body={'is_active': False}, headers=adm)
    check(t, r, 200, name='admin deactivates')
    r = s.request('PATCH', p_admin_user(uid), json_body={'is_active': True}, headers=adm)
    check(t, r, 200, name='admin reactivates')
    check(t, s.request('GET', P_PROFILE, headers=bearer(a4)), 401, invalid(),
          'tokens issued before a deactivation stay refused after the reactivation')
    check(t, s.request('POST', P_REFRESH, json_body={'refresh': r4}), 401, EXPIRED,
          'refresh token issued before a deactivation: refused')
    a5, r5 = login(s, email, 'Adm-1')
    r = s.request('PATCH', p_admin_user(uid), json_body={'name': 'Renamed'}, headers=adm)
    check(t, s.request('GET', P_PROFILE, headers=bearer(a5)), 200, name='other changes by an admin revoke nothing')

    # jwtauth-admin users set-password and users set --active no.
    rc, out, err = admin_cli(s, 'users', 'set-password', '--noinput', email, env={'JWTAUTH_USER_PASSWORD': 'Cli-1'})
    t.ok(rc == 0, 'jwtauth-admin users set-password', err)
    check(t, s.request('GET', P_PROFILE, headers=bearer(a5)), 401, invalid(), 'refused after jwtauth-admin set-password')
    a6, r6 = login(s, email, 'Cli-1')
    rc, out, err = admin_cli(s, 'users', 'set', email, '--active', 'no')
    t.ok(rc == 0, 'jwtauth-admin users set --active no', err)
    rc, out, err = admin_cli(s, 'users', 'set', email, '--active', 'yes')
    check(t, s.request('POST', P_REFRESH, json_body={'refresh': r6}), 401, EXPIRED,
          'refused after a deactivation by jwtauth-admin')
    a7, r7 = login(s, email, 'Cli-1')
    # Deleting a user whose tokens are recorded: outstanding rows lose their user (Django's
    # SET_NULL), jwtauth's rows go with it.
    r = s.request('DELETE', p_admin_user(uid), headers=adm)
    check(t, r, 204, name='admin deletes a user with outstanding tokens')
    t.eq(s.db.sql('SELECT COUNT(*) FROM token_blacklist_outstandingtoken WHERE user_id = %d' % uid).strip(), '0',
         'delete: no outstanding row keeps the user')
    row = outstanding(s, jwt_parts(r7)[1]['jti'])
    t.ok(row is not None and row[0] == 'NULL', 'delete: the outstanding rows stay, without user', row)
    t.eq(s.db.sql('SELECT COUNT(*) FROM jwtauth_user_revocation WHERE user_id = %d' % uid).strip(), '0',
         'delete: the revocation row goes with the user')


def with_config(s, extra, fn):
    """Run fn() against s's database behind a front end whose configuration adds extra
    ([tokens] settings), then put the usual one back."""
    saved = s.config_extra
    s.web.stop()
    try:
        s.config_extra = saved + '\n' + extra
        s.write_config()
        s.web = harness.Frontend(s.root, s.mode, s.config_path, s.env)
        s.web.start()
        fn()
    finally:
        s.web.stop()
        s.config_extra = saved
        s.write_config()
        s.web = harness.Frontend(s.root, s.mode, s.config_path, s.env)
        s.web.start()


GRACE = 3


def rotation_checks(s, t):
    email, uid, access, refresh = register(s)
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    check(t, r, 200, name='rotate', ctype=CT_DRF, cache_control='no-store')
    t.eq(list(r.json), ['access', 'refresh'], 'rotate: {"access", "refresh"} as TokenRefreshSerializer')
    new = r.json['refresh']
    po, pn = jwt_parts(refresh)[1], jwt_parts(new)[1]
    t.eq(list(pn), list(po), 'rotate: the claims of the old token, in their order')
    t.ok(pn['jti'] != po['jti'] and pn['user_id'] == uid and abs(pn['iat'] - time.time()) < 5
         and pn['exp'] - pn['iat'] == 86400, 'rotate: new jti, iat now, exp from now', pn)
    t.eq(jwt_parts(r.json['access'])[1]['iat'], po['iat'], 'rotate: the access token is the old one\'s (its iat)')
    t.ok(outstanding(s, pn['jti']) is not None, 'rotate: the new refresh token is outstanding')
    t.eq(outstanding(s, po['jti'])[4], True, 'BLACKLIST_AFTER_ROTATION: the old one is blacklisted')
    fam = s.db.sql("SELECT family, IFNULL(replaced_by, '-'), rotated_at IS NOT NULL FROM jwtauth_refresh_token "
                   "WHERE jti IN ('%s', '%s') ORDER BY rotated_at IS NULL" % (po['jti'], pn['jti'])).split('\n')
    t.eq(fam[:2], ['%s\t%s\t1' % (po['jti'], pn['jti']), '%s\t-\t0' % po['jti']],
         'the family: the old token rotated out to the new one, both in the first one\'s family')
    check(t, s.request('POST', P_VERIFY, json_body={'token': refresh}), 401, BLACKLISTED,
          'verify: a token blacklisted after its rotation')
    # Within the grace window the old token gets the same successor again (two tabs).
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    check(t, r, 200, name='reuse within the grace window')
    t.eq(r.json.get('refresh'), new, 'reuse within the grace window: the same successor')
    # Two requests at once with the same token both succeed, with one successor.
    e2, uid2, _, ref2 = register(s)
    got = []

    def one():
        got.append(s.request('POST', P_REFRESH, json_body={'refresh': ref2}))
    threads = [threading.Thread(target=one) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    t.eq(sorted(x.status for x in got), [200] * 4, 'four tabs refreshing at once: all answered')
    t.eq(len(set(x.json.get('refresh') for x in got)), 1, 'four tabs refreshing at once: one successor')
    t.eq(s.db.sql("SELECT COUNT(*) FROM jwtauth_refresh_token WHERE family = '%s'"
                  % jwt_parts(ref2)[1]['jti']).strip(), '2', 'four tabs at once: one rotation recorded')
    # The successor rotates on; then the first token comes back after the grace window:
    # reuse, the whole family is blacklisted.
    r = s.request('POST', P_REFRESH, json_body={'refresh': new})
    check(t, r, 200, name='the successor rotates')
    newer = r.json['refresh']
    time.sleep(GRACE + 1.2)
    check(t, s.request('POST', P_REFRESH, json_body={'refresh': refresh}), 401, BLACKLISTED,
          'reuse after the grace window: refused')
    t.eq(s.db.sql("SELECT event, outcome FROM jwtauth_audit WHERE user_id = %d AND event LIKE 'refresh%%' "
                  "ORDER BY id DESC LIMIT 2" % jwt_parts(refresh)[1]['user_id']).split(),
         ['refresh', 'failed', 'refresh_reuse', 'failed'], 'reuse detected: an audit row refresh_reuse, failed')
    for tok, name in ((new, 'the successor'), (newer, 'the latest token')):
        check(t, s.request('POST', P_REFRESH, json_body={'refresh': tok}), 401, BLACKLISTED,
              'reuse detected: %s is blacklisted with its family' % name)
    t.eq(s.request('GET', P_PROFILE, headers=bearer(access)).status, 200,
         'reuse detected: access tokens live until they expire')
    # Logout with the latest token of a family blacklists the family.
    e3, uid3, a3, f1 = register(s)
    f2 = s.request('POST', P_REFRESH, json_body={'refresh': f1}).json['refresh']
    f3 = s.request('POST', P_REFRESH, json_body={'refresh': f2}).json['refresh']
    check(t, s.request('POST', P_LOGOUT, json_body={'refresh': f3}, headers=bearer(a3)), 200,
          {'success': 'logged out successfully'}, 'logout with a rotated token')
    check(t, s.request('POST', P_REFRESH, json_body={'refresh': f2}), 401, BLACKLISTED,
          'logout: the family is blacklisted, within the grace window too')
    # CHECK_REVOKE_TOKEN (this stack: on, with revoke_on_password_change off).
    p = jwt_parts(access)[1]
    stored = s.db.sql('SELECT password FROM accounts_user WHERE id = %d' % uid).strip()
    t.eq(list(p), ['token_type', 'exp', 'iat', 'jti', 'user_id', 'hash_password'],
         'CHECK_REVOKE_TOKEN: simplejwt 5.3\'s claims')
    t.eq(p['hash_password'], hashlib.md5(stored.encode()).hexdigest().upper(),
         'CHECK_REVOKE_TOKEN: hash_password is get_md5_hash_password(user.password)')
    e4, uid4, a4, r4 = register(s)
    check(t, s.request('POST', P_CHANGE, json_body={'password': 'Chg-1', 'password2': 'Chg-1'}, headers=bearer(a4)),
          200, name='change (CHECK_REVOKE_TOKEN)')
    check(t, s.request('GET', P_PROFILE, headers=bearer(a4)), 401, errors(**PW_CHANGED),
          'CHECK_REVOKE_TOKEN: profile refused once the password changed')
    check(t, s.request('POST', P_REFRESH, json_body={'refresh': r4}), 401, PW_CHANGED,
          'CHECK_REVOKE_TOKEN: refresh refused once the password changed')
    check(t, s.request('POST', P_VERIFY, json_body={'token': a4}), 401, PW_CHANGED,
          'CHECK_REVOKE_TOKEN: verify refused once the password changed')
    check(t, s.request('GET', P_PROFILE, headers=bearer(forge(claims(uid4)))), 401, errors(**PW_CHANGED),
          'CHECK_REVOKE_TOKEN: a token without hash_password is refused')
    a5, _ = login(s, e4, 'Chg-1')
    check(t, s.request('GET', P_PROFILE, headers=bearer(a5)), 200, name='CHECK_REVOKE_TOKEN: a new login works')


def t_rotation(s, t):
    """ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION, reuse detection with its grace
    window, and CHECK_REVOKE_TOKEN: a front end configured for them over the same database."""
    with_config(s, '[tokens]\nrotate_refresh_tokens = 1\nblacklist_after_rotation = 1\n'
                'reuse_grace_period = %d\nrevoke_on_password_change = 0\ncheck_revoke_token = 1\n' % GRACE,
                lambda: rotation_checks(s, t))


def t_flushexpiredtokens(s, t):
    """jwtauth-admin flushexpiredtokens: expired outstanding tokens (and their blacklisted rows)
    and jwtauth's expired rows go; the rest stays."""
    email, uid, access, refresh = register(s)
    live = jwt_parts(refresh)[1]['jti']
    old = forge(claims(uid, token_type='refresh', lifetime=3600))
    s.request('POST', P_BLACKLIST, json_body={'refresh': old})
    jti_old = jwt_parts(old)[1]['jti']
    # Made to look expired: the row's expiry moved into the past.
    s.db.sql("UPDATE token_blacklist_outstandingtoken SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND "
             "WHERE jti = '%s'" % jti_old)
    s.db.sql("INSERT INTO jwtauth_refresh_token (jti, family, user_id, expires_at) VALUES "
             "('flush-test-%s', 'f', NULL, UTC_TIMESTAMP(6) - INTERVAL 1 SECOND)" % jti_old)
    s.db.sql('INSERT INTO jwtauth_user_revocation (user_id, revoked_at) VALUES (%d, 1000) '
             'ON DUPLICATE KEY UPDATE revoked_at = 1000' % uid)
    rc, out, err = admin_cli(s, 'flushexpiredtokens')
    t.eq((rc, out, err), (0, '', ''), 'flushexpiredtokens: status 0, silent as Django\'s command')
    t.ok(outstanding(s, jti_old) is None, 'flushexpiredtokens: the expired token is gone')
    t.eq(s.db.sql("SELECT COUNT(*) FROM token_blacklist_blacklistedtoken b LEFT JOIN "
                  "token_blacklist_outstandingtoken o ON o.id = b.token_id WHERE o.id IS NULL").strip(), '0',
         'flushexpiredtokens: no blacklisted row is left without its token')
    t.ok(outstanding(s, live) is not None, 'flushexpiredtokens: a live token stays')
    t.eq(s.db.sql("SELECT COUNT(*) FROM jwtauth_refresh_token WHERE jti = 'flush-test-%s'" % jti_old).strip(), '0',
         'flushexpiredtokens: an expired family row is gone')
    t.eq(s.db.sql('SELECT COUNT(*) FROM jwtauth_user_revocation WHERE user_id = %d' % uid).strip(), '0',
         'flushexpiredtokens: a revocation older than every lifetime is gone')
    t.eq(s.request('POST', P_REFRESH, json_body={'refresh': refresh}).status, 200,
         'flushexpiredtokens: the live token still refreshes')
    rc, out, err = admin_cli(s, 'flushexpiredtokens', '--help')
    t.ok(rc == 0 and out.startswith('usage: jwtauth-admin flushexpiredtokens'), 'flushexpiredtokens --help', out)
    rc, out, err = admin_cli(s, 'flushexpiredtokens', 'extra')
    t.eq(rc, 2, 'flushexpiredtokens with an argument: usage error')
