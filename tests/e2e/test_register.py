"""Registration: JSON and form bodies, field validation, booleans, e-mail addresses and
length limits, duplicates and normalisation, concurrent registrations."""
import json
import threading

from api import (ALLOW_GET, ALLOW_POST, CT_SEED, P_LOGIN, P_PROFILE, P_REGISTER, check, check_pair, errors,
                 jwt_parts, new_email, reg_body, seq)


def t_register_json(s, t):
    email = new_email('alice')
    r = s.request('POST', P_REGISTER, json_body=reg_body(email, name='Alice Example'))
    check(t, r, 201, name='register', ctype=CT_SEED, allow=ALLOW_POST, vary='Origin',
          x_frame_options='DENY', x_content_type_options='nosniff', referrer_policy='same-origin')
    uid = jwt_parts(r.json['access'])[1]['user_id']
    t.ok(isinstance(uid, int) and uid > 0, 'register: user_id is a positive int')
    check_pair(t, r.json, uid, 'register')
    t.ok(r.text.startswith('{"refresh": "ey') and '", "access": "ey' in r.text,
         'register: json.dumps layout', r.text[:80])
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    check(t, p, 200, {'id': uid, 'email': email, 'name': 'Alice Example', 'tc': True},
          'profile after register', ctype=CT_SEED, allow=ALLOW_GET)
    t.eq(p.text, '{"id": %d, "email": "%s", "name": "Alice Example", "tc": true}' % (uid, email),
         'profile: raw bytes')
    l = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    check(t, l, 200, name='login after register')
    check_pair(t, l.json, uid, 'login')
    row = s.db.sql("SELECT password, last_login IS NULL, is_active, is_admin, tc, "
                   "created_at <= UTC_TIMESTAMP(6), TIMESTAMPDIFF(SECOND, created_at, UTC_TIMESTAMP()) < 60 "
                   "FROM accounts_user WHERE id=%d" % uid).split('\t')
    t.ok(row[0].startswith('$y$'), 'stored password is a yescrypt hash', row[0][:10])
    t.eq([c.strip() for c in row[1:]], ['1', '1', '0', '1', '1', '1'], 'stored row: last_login NULL, active, not admin, tc, UTC times')


def t_register_forms(s, t):
    e1, e2, e3 = new_email('form'), new_email('multi'), new_email('notc')
    r = s.request('POST', P_REGISTER, form={**reg_body(e1), 'tc': 'true'})
    check(t, r, 201, name='form-urlencoded register')
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(p.json['tc'], True, 'form register: tc true')
    b = 'conformanceBoundary7MA4YWxkTrZu0gW'
    parts = ''.join('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (b, k, v)
                    for k, v in {**reg_body(e2), 'tc': 'on'}.items()) + '--%s--\r\n' % b
    r = s.request('POST', P_REGISTER, body=parts, headers={'Content-Type': 'multipart/form-data; boundary=' + b})
    check(t, r, 201, name='multipart register')
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(p.json['tc'], True, 'multipart register: tc true')
    body = reg_body(e3)
    del body['tc']
    r = s.request('POST', P_REGISTER, form=body)
    check(t, r, 201, name='form without tc (an unchecked box is false)')
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(p.json['tc'], False, 'form without tc: tc false')
    r = s.request('POST', P_REGISTER, body=b'', headers={'Content-Type': 'application/x-www-form-urlencoded'})
    req = ['This field is required.']
    check(t, r, 400, errors(email=req, name=req, password=req, password2=req), 'empty form body')
    r = s.request('POST', P_REGISTER, body='x', headers={'Content-Type': 'multipart/form-data'})
    check(t, r, 400, errors(detail='Multipart form parse error - Invalid boundary in multipart: None'),
          'multipart without boundary')


def t_register_validation(s, t):
    req = ['This field is required.']
    r = s.request('POST', P_REGISTER, json_body={})
    check(t, r, 400, errors(email=req, name=req, password=req, password2=req, tc=req), 'empty object',
          ctype=CT_SEED, allow=ALLOW_POST)
    t.eq(r.text, '{"errors": {"email": ["This field is required."], "name": ["This field is required."], '
         '"password": ["This field is required."], "password2": ["This field is required."], '
         '"tc": ["This field is required."]}}', 'empty object: raw bytes in field order')
    r = s.request('POST', P_REGISTER, body=b'', headers={'Content-Type': 'application/json'})
    check(t, r, 400, errors(email=req, name=req, password=req, password2=req, tc=req), 'empty JSON body')
    blank = ['This field may not be blank.']
    r = s.request('POST', P_REGISTER, json_body={'email': ' ', 'name': '\t', 'password': '', 'password2': '\u3000', 'tc': ''})
    check(t, r, 400, errors(email=blank, name=blank, password=blank, password2=blank, tc=['Must be a valid boolean.']),
          'blank fields (Unicode whitespace too)')
    null = ['This field may not be null.']
    r = s.request('POST', P_REGISTER, json_body=dict.fromkeys(['email', 'name', 'password', 'password2', 'tc']))
    check(t, r, 400, errors(email=null, name=null, password=null, password2=null, tc=null), 'null fields')
    r = s.request('POST', P_REGISTER, json_body={'email': 123, 'name': True, 'password': [], 'password2': {}, 'tc': 'maybe'})
    check(t, r, 400, errors(email=['Enter a valid email address.'], name=['Not a valid string.'],
                            password=['Not a valid string.'], password2=['Not a valid string.'],
                            tc=['Must be a valid boolean.']), 'wrong types')
    for body, want in (('[]', 'list'), ('"text"', 'str'), ('42', 'int'), ('4.5', 'float'), ('true', 'bool')):
        r = s.request('POST', P_REGISTER, body=body, headers={'Content-Type': 'application/json'})
        check(t, r, 400, errors(non_field_errors=['Invalid data. Expected a dictionary, but got %s.' % want]),
              'body ' + body)
    r = s.request('POST', P_REGISTER, body='null', headers={'Content-Type': 'application/json'})
    check(t, r, 400, errors(non_field_errors=['No data provided']), 'body null')
    for raw in ('{"email": ', '{bad json}', '{"email": "a@b.c",}', "{'email': 'x'}", '{"a": NaN}',
                '{"a": 1} x', '{"a": "\x01"}', '\ufeff{}'):
        r = s.request('POST', P_REGISTER, body=raw, headers={'Content-Type': 'application/json'})
        t.ok(r.status == 400 and isinstance(r.json, dict) and
             r.json.get('errors', {}).get('detail', '').startswith('JSON parse error - '),
             'malformed JSON %r: 400 JSON parse error' % raw, r)
    r = s.request('POST', P_REGISTER, body=b'{"name": "\xe9"}', headers={'Content-Type': 'application/json'})
    t.ok(r.status == 400 and 'JSON parse error - ' in r.text, 'invalid UTF-8: 400 parse error', r)
    r = s.request('POST', P_REGISTER, json_body={'email': 'a\u0000b@example.com', 'name': 'a\ud800b'})
    t.eq(r.json['errors'].get('email'), ['Null characters are not allowed.', 'Enter a valid email address.'],
         'NUL in email')
    t.eq(r.json['errors'].get('name'), ['Surrogate characters are not allowed: U+D800.'], 'lone surrogate in name')
    for ct in ('text/plain', 'application/xml', 'application/json-patch+json'):
        r = s.request('POST', P_REGISTER, body='{}', headers={'Content-Type': ct})
        check(t, r, 415, errors(detail='Unsupported media type "%s" in request.' % ct), ct)
    r = s.request('POST', P_REGISTER, body='{}')
    check(t, r, 415, errors(detail='Unsupported media type "" in request.'), 'no Content-Type')
    big = json.dumps({'name': 'x' * 70000})
    r = s.request('POST', P_REGISTER, body=big, headers={'Content-Type': 'application/json'})
    t.ok(r.status == 413 and r.json and 'detail' in r.json.get('errors', {}), '70 kB body: 413 JSON error', r)


def t_register_booleans(s, t):
    for v, want in ((True, True), ('true', True), ('TRUE', True), ('t', True), ('Y', True), ('yes', True),
                    ('on', True), ('ON', True), ('1', True), (1, True), (1.0, True),
                    (False, False), ('False', False), ('f', False), ('n', False), ('NO', False),
                    ('off', False), ('0', False), (0, False), (0.0, False)):
        email = new_email('tc')
        r = s.request('POST', P_REGISTER, json_body=reg_body(email, tc=v))
        if not t.ok(r.status == 201, 'tc=%s: 201' % json.dumps(v), r):
            continue
        p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
        t.eq(p.json['tc'], want, 'tc=%s: stored %s' % (json.dumps(v), want))
    for v in ('maybe', 2, '', [], {}, '2', 'tRUE', 1.5, 'yes '):
        r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('tcx'), tc=v))
        check(t, r, 400, errors(tc=['Must be a valid boolean.']), 'tc=%s' % json.dumps(v))


def t_register_emails_and_limits(s, t):
    for e in ('plainaddress', 'missing-at.example.com', 'a@b', 'a@', '@example.com', 'two words@example.com',
              'a@example..com', 'a@-example.com', 'a@@example.com', 'a@example.com.'):
        r = s.request('POST', P_REGISTER, json_body=reg_body(e))
        check(t, r, 400, errors(email=['Enter a valid email address.']), 'email %r' % e)
    # A non-ASCII domain is checked through libidn2, which the binary loads on first use.
    local = 'idn.%d' % next(seq)
    r = s.request('POST', P_REGISTER, json_body=reg_body(local + '@B\u00dcCHER.example'))
    t.eq(r.status, 201, 'email with an internationalised domain: 201')
    r = s.request('POST', P_LOGIN, json_body={'email': local + '@b\u00fccher.example', 'password': 'Secret-pass-1'})
    t.eq(r.status, 200, 'its domain was stored lower-cased: login with it')
    for e in ('a@b\u00fccher..example', 'a@xn--b\u00fccher.example'):
        r = s.request('POST', P_REGISTER, json_body=reg_body(e))
        check(t, r, 400, errors(email=['Enter a valid email address.']), 'email %r' % e)
    tail = '.%d@example.com' % next(seq)
    for n, want in ((255, 201), (256, 400), (330, 400)):
        email = 'a' * (n - len(tail)) + tail
        r = s.request('POST', P_REGISTER, json_body=reg_body(email))
        t.eq(r.status, want, 'email of %d characters: %d' % (n, want))
    r = s.request('POST', P_REGISTER, json_body=reg_body('a' * (330 - len(tail)) + tail))
    t.eq(r.json, errors(email=['Ensure this field has no more than 255 characters.', 'Enter a valid email address.']),
         'email of 330: both messages in order')
    r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('n'), name='N' * 200))
    t.eq(r.status, 201, 'name of 200: 201')
    r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('n'), name='N' * 201))
    check(t, r, 400, errors(name=['Ensure this field has no more than 200 characters.']), 'name of 201')
    r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('n'), name='\u00e9' * 200))
    t.eq(r.status, 201, 'name of 200 non-ASCII characters (400 bytes): 201')
    email = new_email('p128')
    r = s.request('POST', P_REGISTER, json_body=reg_body(email, password='p' * 128))
    t.eq(r.status, 201, 'password of 128: 201')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'p' * 128})
    t.eq(r.status, 200, 'password of 128: login works')
    r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('p129'), password='p' * 129))
    check(t, r, 400, errors(password=['Ensure this field has no more than 128 characters.']), 'password of 129')
    r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('p4'), password='\U0001F600' * 128))
    t.ok(r.status == 400 and 'password' in r.json['errors'], '128 emoji (512 bytes, beyond crypt(3)): 400 on password', r)
    email = new_email('trim')
    r = s.request('POST', P_REGISTER, json_body={**reg_body(email, password='  spaced  '), 'name': '  Trim Me  ',
                                                 'email': '  ' + email + ' '})
    t.eq(r.status, 201, 'surrounding whitespace is trimmed')
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq((p.json['email'], p.json['name']), (email, 'Trim Me'), 'trimmed email and name stored')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'spaced'})
    t.eq(r.status, 200, 'password was trimmed too (DRF CharField)')
    r = s.request('POST', P_REGISTER, json_body={**reg_body(new_email('num')), 'name': 1e16})
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(p.json['name'], '1e+16', 'a JSON number becomes Python str() of it')
    r = s.request('POST', P_REGISTER, json_body={**reg_body(new_email('num')), 'name': 12345678901234567890123})
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(p.json['name'], '12345678901234567890123', 'a big JSON integer keeps every digit')


def t_register_duplicates_and_normalisation(s, t):
    email = new_email('Dup', 'Example.COM')
    r = s.request('POST', P_REGISTER, json_body=reg_body(email))
    t.eq(r.status, 201, 'first registration')
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    local = email.split('@')[0]
    t.eq(p.json['email'], local + '@example.com', 'domain lower-cased, local part kept')
    for v in (email, email.lower(), email.upper(), local.swapcase() + '@eXample.com'):
        r = s.request('POST', P_REGISTER, json_body=reg_body(v, password='Other-pass-2'))
        check(t, r, 400, errors(email=['user with this email already exists.']), 'duplicate %s' % v)
    r = s.request('POST', P_REGISTER, json_body={**reg_body(email), 'password2': 'different'})
    check(t, r, 400, errors(email=['user with this email already exists.']),
          'duplicate and mismatch: field errors come first')
    for v in (email, email.lower(), email.upper()):
        r = s.request('POST', P_LOGIN, json_body={'email': v, 'password': 'Secret-pass-1'})
        t.eq(r.status, 200, 'login with %s' % v)
    email = new_email('mis')
    r = s.request('POST', P_REGISTER, json_body={**reg_body(email), 'password2': 'something-else'})
    check(t, r, 400, errors(non_field_errors=["Password and Confirm password doesn't match!"]), 'password mismatch')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    t.eq(r.status, 404, 'mismatch: user not created')


def t_register_race(s, t):
    email = new_email('race')
    out = []

    def go():
        out.append(s.request('POST', P_REGISTER, json_body=reg_body(email)))
    th = [threading.Thread(target=go) for _ in range(4)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    statuses = sorted(r.status for r in out)
    t.eq(statuses, [201, 400, 400, 400], 'four racing registrations: one 201, three 400')
    t.ok(all(r.json == errors(email=['user with this email already exists.']) for r in out if r.status == 400),
         'the losers get the duplicate error')
    t.eq(s.db.sql("SELECT COUNT(*) FROM accounts_user WHERE email='%s'" % email).strip(), '1', 'one row stored')
