"""Key rotation ([keys]): a second front end on the stack's database, restarted with each
step of the README's procedure, beside the stack's own front end, which keeps the
original's configuration (secret_key alone) as a web host not yet changed would.  Tokens
and reset links from before a rotation keep working, new tokens carry the signing key's
kid in PyJWT's header, the retired key's tokens and links are refused; and the start-up
refusals of a bad [keys] section."""
import hashlib
import hmac
import os
import subprocess

import harness
from harness import SECRET
from api import (BEARER, P_PROFILE, P_REFRESH, P_RESET, P_SEND_RESET, P_VERIFY, b64url, check, claims,
                 errors, forge, invalid, jwt_parts, login, mails_since, register, reset_secrets)

NEW = 'e2e-new-key-0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ'

# The README's steps: 1 the old key (the former secret_key, legacy) still signs and the new one
# is known everywhere; 2 the new key signs; 3 the old key is retired.
STEP1 = ('[keys]\ncurrent = 2024\nkey1_id = 2024\nkey1_secret = %s\nkey1_legacy = 1\n'
         'key2_id = 2026-11\nkey2_secret = %s\n' % (SECRET, NEW))
STEP2 = STEP1.replace('current = 2024', 'current = 2026-11')
STEP3 = '[keys]\nkey2_id = 2026-11\nkey2_secret = %s\n' % NEW
ORIGINAL_HEADER = b64url('{"alg":"HS256","typ":"JWT"}')


def kid_header(kid):
    """PyJWT 2.6's jwt.encode(..., headers={"kid": kid}) header segment: keys sorted, compact."""
    return b64url('{"alg":"HS256","kid":"%s","typ":"JWT"}' % kid)


def signed_by(tok, key):
    si, _, sig = tok.rpartition('.')
    return hmac.compare_digest(b64url(hmac.new(key.encode(), si.encode(), hashlib.sha256).digest()), sig)


def profile(s, access):
    return s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + access})


def reset_link(s, email):
    """Ask s for a reset mail to email: its (uid, token)."""
    before = set(os.listdir(s.mail_dir))
    r = s.request('POST', P_SEND_RESET, json_body={'email': email})
    if r.status != 200:
        raise AssertionError('reset mail failed: %r' % r)
    return reset_secrets(mails_since(s, before)[0])[:2]


def reset(s, uid, tok, password):
    return s.request('POST', '%s%s/%s/' % (P_RESET, uid, tok), json_body={'password': password,
                                                                          'password2': password})


def t_key_rotation(s, t):
    # Before: the stack's own front end, secret_key alone.
    a_email, a_uid, access0, refresh0 = register(s)
    t.eq(access0.split('.')[0], ORIGINAL_HEADER, 'before: the original header, no kid')
    # Reset links go to other users: a password change may revoke a's tokens (issue 11).
    b_email = register(s)[0]
    c_email = register(s)[0]
    d_email = register(s)[0]
    link_d = reset_link(s, d_email)          # mailed before the rotation, made with the old key
    sib = harness.Sibling(s, 'keys', STEP1)
    try:
        sib.start()
        # Step 1: the old key signs with its kid; hosts not yet changed take those tokens.
        t.eq(profile(sib, access0).status, 200, 'step 1: an access token from before works')
        r = sib.request('POST', P_REFRESH, json_body={'refresh': refresh0})
        t.eq(r.status, 200, 'step 1: a refresh token from before refreshes')
        if r.status == 200:
            t.eq(r.json['access'].split('.')[0], kid_header('2024'),
                 "step 1: the new access token's header is PyJWT's with kid 2024")
        access1, refresh1 = login(sib, a_email)
        t.ok(access1.split('.')[0] == kid_header('2024') and refresh1.split('.')[0] == kid_header('2024'),
             'step 1: login tokens carry kid 2024', access1)
        t.ok(signed_by(access1, SECRET) and signed_by(refresh1, SECRET), 'step 1: signed with the old key')
        t.eq(profile(s, access1).status, 200, 'step 1: a host still on secret_key alone takes them (kid ignored)')

        # Step 2: the new key signs.
        sib.restart(STEP2)
        t.eq(profile(sib, access0).status, 200, 'step 2: the access token from before still works')
        t.eq(sib.request('POST', P_REFRESH, json_body={'refresh': refresh0}).status, 200,
             'step 2: the refresh token from before still refreshes')
        t.eq(profile(sib, access1).status, 200, 'step 2: a step-1 token (kid 2024) still works')
        access2, refresh2 = login(sib, a_email)
        h, p, _ = jwt_parts(access2)
        t.eq((access2.split('.')[0], refresh2.split('.')[0]), (kid_header('2026-11'), kid_header('2026-11')),
             'step 2: new tokens carry kid 2026-11')
        t.eq(h, {'alg': 'HS256', 'kid': '2026-11', 'typ': 'JWT'}, 'step 2: the header')
        t.eq(list(p), ['token_type', 'exp', 'iat', 'jti', 'user_id'], 'step 2: the claims as before')
        t.ok(signed_by(access2, NEW) and signed_by(refresh2, NEW), 'step 2: signed with the new key')
        t.eq(profile(sib, access2).status, 200, 'step 2: they work')
        r = sib.request('POST', P_REFRESH, json_body={'refresh': refresh2})
        t.ok(r.status == 200 and r.json['access'].split('.')[0] == kid_header('2026-11'),
             'step 2: refreshed with the new key', r)
        check(t, profile(s, access2), 401, invalid(), 'step 2: a host without the new key refuses them',
              www_authenticate=BEARER)
        unknown = forge(claims(a_uid), header={'alg': 'HS256', 'kid': 'nosuch', 'typ': 'JWT'}, secret=NEW)
        check(t, profile(sib, unknown), 401, invalid(), 'an unknown kid is an invalid token',
              www_authenticate=BEARER)
        r = sib.request('POST', P_VERIFY, json_body={'token': unknown})
        check(t, r, 401, {'detail': 'Token is invalid or expired', 'code': 'token_not_valid'},
              'verify: an unknown kid', www_authenticate=BEARER)
        wrong = forge(claims(a_uid), header={'alg': 'HS256', 'kid': '2026-11', 'typ': 'JWT'}, secret=SECRET)
        check(t, profile(sib, wrong), 401, invalid(), 'kid 2026-11 signed with the old key: refused',
              www_authenticate=BEARER)
        kidless_new = forge(claims(a_uid), secret=NEW)
        check(t, profile(sib, kidless_new), 401, invalid(),
              'no kid, signed with the new key (not legacy): refused', www_authenticate=BEARER)
        # Reset links: mailed before (old key) still work; new ones are made with the new key.
        r = reset(sib, link_d[0], link_d[1], 'After-rotation-1')
        check(t, r, 200, {'success': 'password reset successfully.'}, 'step 2: a link mailed before the rotation')
        link_b = reset_link(sib, b_email)
        check(t, reset(s, link_b[0], link_b[1], 'Other-pass-1'), 400,
              errors(non_field_errors=['token may be expired or invalid!']),
              'step 2: a host without the new key refuses its links')
        check(t, reset(sib, link_b[0], link_b[1], 'Other-pass-1'), 200,
              {'success': 'password reset successfully.'}, 'step 2: a link made with the new key')
        link_c = reset_link(s, c_email)      # made with the old key, by a host not yet changed

        # Step 3: the old key retired.
        sib.restart(STEP3)
        check(t, profile(sib, access0), 401, invalid(), 'step 3: a token without kid (the old key) refused',
              www_authenticate=BEARER)
        check(t, profile(sib, access1), 401, invalid(), 'step 3: kid 2024 (retired) refused',
              www_authenticate=BEARER)
        r = sib.request('POST', P_REFRESH, json_body={'refresh': refresh0})
        check(t, r, 401, {'detail': 'Token is invalid or expired', 'code': 'token_not_valid'},
              'step 3: the old refresh token refused', www_authenticate=BEARER)
        r = sib.request('POST', P_VERIFY, json_body={'token': refresh1})
        t.eq(r.status, 401, 'step 3: verify refuses the retired key')
        t.eq(profile(sib, access2).status, 200, 'step 3: kid 2026-11 still works')
        t.eq(sib.request('POST', P_REFRESH, json_body={'refresh': refresh2}).status, 200,
             'step 3: its refresh token still refreshes')
        access3, refresh3 = login(sib, d_email, 'After-rotation-1')
        t.eq(access3.split('.')[0], ORIGINAL_HEADER, 'step 3: one key left: the original header again')
        t.ok(signed_by(access3, NEW), 'step 3: signed with the new key')
        check(t, reset(sib, link_c[0], link_c[1], 'Late-pass-1'), 400,
              errors(non_field_errors=['token may be expired or invalid!']),
              'step 3: a link made with the retired key is refused')
    finally:
        sib.stop()


def t_key_config_refused(s, t):
    """A [keys] section a binary refuses at start-up, with the reason on stderr."""
    conf = os.path.join(s.root, 'keys-bad.conf')
    env = {'PATH': '/usr/bin:/bin', 'GATEWAY_INTERFACE': 'CGI/1.1', 'REQUEST_METHOD': 'GET',
           'REQUEST_URI': P_PROFILE, 'QUERY_STRING': '', 'JWTAUTH_CONFIG': conf}
    for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LD_LIBRARY_PATH'):
        if k in os.environ:
            env[k] = os.environ[k]
    for text, want in (
            ('secret_key = %s\n%s' % (SECRET, STEP1), 'secret_key and [keys] are both set'),
            (STEP1.replace('current = 2024\n', ''), 'keys.current is empty'),
            (STEP1.replace('current = 2024', 'current = 2025'), 'keys.current "2025" is the id of no key'),
            (STEP3.replace(NEW, 'short'), 'keys.key2_secret is 5 bytes; at least 32 are required'),
            (STEP1.replace('key2_id = 2026-11', 'key2_id = 2024'), 'is also the id of another key')):
        with open(conf, 'w') as fh:
            fh.write('[jwtauth]\n' + text)
        p = subprocess.run([os.path.join(harness.BUILD, 'cgi-bin', 'jwtauth-profile')], env=env,
                           capture_output=True, timeout=60)
        err = p.stderr.decode('utf-8', 'replace')
        t.ok(p.returncode != 0 and p.stdout == b'' and want in err and SECRET not in err and NEW not in err,
             'start-up refused: %s' % want, err)
