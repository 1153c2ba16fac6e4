"""Methods, OPTIONS metadata, Accept (405, 406, 501), slash redirects and 404s."""
from api import (ALLOW_GET, ALLOW_POST, BEARER, CT_DRF, CT_SEED, PARSES, P_LOGIN, P_PROFILE, P_REFRESH,
                 P_REGISTER, P_VERIFY, check, errors, new_email, reg_body, vary_accept)


def t_methods_and_metadata(s, t):
    for m in ('GET', 'PUT', 'PATCH', 'DELETE'):
        r = s.request(m, P_REGISTER, json_body={} if m in ('PUT', 'PATCH') else None)
        check(t, r, 405, errors(detail='Method "%s" not allowed.' % m), 'register %s' % m, allow=ALLOW_POST)
    r = s.request('HEAD', P_REGISTER)
    check(t, r, 405, name='register HEAD', allow=ALLOW_POST, ctype=CT_SEED)
    t.eq(r.body, b'', 'HEAD: no body')
    for path, name in ((P_REGISTER, 'User Registration'), (P_LOGIN, 'User Login')):
        r = s.request('OPTIONS', path)
        check(t, r, 200, {'name': name, 'description': '', 'renders': ['application/json'], 'parses': PARSES},
              'OPTIONS ' + path, ctype=CT_SEED, allow=ALLOW_POST)
    r = s.request('OPTIONS', P_REFRESH)
    check(t, r, 200, name='OPTIONS refresh', ctype=CT_DRF, allow=ALLOW_POST, vary=vary_accept(s))
    t.eq(r.text, '{"name":"Token Refresh","description":"Takes a refresh type JSON web token and returns an access '
         'type JSON web\\ntoken if the refresh token is valid.","renders":["application/json","text/html"],'
         '"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"],'
         '"actions":{"POST":{"refresh":{"type":"string","required":true,"read_only":false,"label":"Refresh"},'
         '"access":{"type":"string","required":false,"read_only":true,"label":"Access"}}}}', 'OPTIONS refresh: bytes')
    r = s.request('OPTIONS', P_VERIFY)
    t.eq(r.json['actions'], {'POST': {'token': {'type': 'string', 'required': True, 'read_only': False, 'label': 'Token'}}},
         'OPTIONS verify: actions')
    r = s.request('OPTIONS', P_PROFILE)
    check(t, r, 401, errors(detail='Authentication credentials were not provided.'), 'OPTIONS profile without token',
          www_authenticate=BEARER)
    r = s.request('FOO', P_REGISTER)
    if s.mode.startswith('lighttpd'):
        # lighttpd 1.4.69 answers methods IANA does not list itself, before any module.
        t.eq(r.status, 501, 'FOO: lighttpd refuses unregistered methods itself')
    else:
        check(t, r, 405, errors(detail='Method "FOO" not allowed.'), 'FOO', allow=ALLOW_POST)
    r = s.request('POST', P_REGISTER, json_body={}, headers={'Accept': ''})
    if s.mode.startswith('lighttpd'):
        t.eq(r.status, 400, 'empty Accept: lighttpd drops empty headers, so it is */*')
    else:
        check(t, r, 406, errors(detail='Could not satisfy the request Accept header.'), 'empty Accept header')
    r = s.request('GET', P_REFRESH)
    check(t, r, 405, name='GET refresh', ctype=CT_DRF, vary=vary_accept(s))
    t.eq(r.text, '{"detail":"Method \\"GET\\" not allowed."}', 'GET refresh: compact body')


def t_redirects_and_404(s, t):
    email = new_email('slash')
    r = s.request('POST', P_REGISTER.rstrip('/'), json_body=reg_body(email))
    check(t, r, 301, name='POST without slash', Location=P_REGISTER, ctype='text/html; charset=utf-8', vary='Origin',
          x_frame_options=None, x_content_type_options='nosniff', referrer_policy='same-origin')
    t.eq(r.body, b'', '301: empty body')
    t.eq(r.header('Allow'), None, '301: no Allow')
    r = s.request('GET', P_REGISTER.rstrip('/') + '?a=1&b=%20')
    check(t, r, 301, name='GET without slash, with query', Location=P_REGISTER + '?a=1&b=%20')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    t.eq(r.status, 404, 'the redirected POST created nobody')
    for p in ('/api/user/does-not-exist/', '/api/user/logout/', '/', '/api/user/register/x/', '/api/user/registerx/'):
        r = s.request('GET', p)
        check(t, r, 404, name='GET %s' % p, x_frame_options='DENY', x_content_type_options='nosniff',
              referrer_policy='same-origin')
    # Under /api/ Django's CORS middleware has run too: a browser can read the 404.
    ok = 'http://localhost:3000'
    for m, p in (('GET', '/api/user/does-not-exist/'), ('POST', '/api/user/logout/'), ('GET', '/api'),
                 ('GET', '/api/'), ('DELETE', '/api/user/register/x/'), ('GET', '/api/user/reset-password/a/'),
                 ('GET', '/api/user/reset-password/a/b/c/'), ('PUT', '/api/x?y=1')):
        r = s.request(m, p, headers={'Origin': ok}, body=b'' if m in ('POST', 'PUT') else None)
        check(t, r, 404, name='%s %s from an allowed Origin' % (m, p), access_control_allow_origin=ok,
              vary='Origin', x_frame_options='DENY', x_content_type_options='nosniff',
              referrer_policy='same-origin', access_control_allow_methods=None)
    r = s.request('GET', '/api/user/nothing/', headers={'Origin': 'http://evil.example.org'})
    check(t, r, 404, name='404 under /api/ from a foreign Origin', access_control_allow_origin=None, vary='Origin',
          x_frame_options='DENY')
    r = s.request('GET', '/api/user/nothing/')
    check(t, r, 404, name='404 under /api/ without Origin', access_control_allow_origin=None, vary='Origin')
    r = s.request('OPTIONS', '/api/user/nothing/', headers={
        'Origin': ok, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization'})
    check(t, r, 200, name='preflight to an unknown path under /api/', text='', access_control_allow_origin=ok,
          vary='Origin', access_control_max_age='86400')
    r = s.request('GET', '/apix/', headers={'Origin': ok})
    check(t, r, 404, name='/apix/ is not the API\'s', access_control_allow_origin=None, x_frame_options='DENY')
    r = s.request('GET', P_PROFILE, body=b'{}', headers={'Content-Type': 'application/json'})
    check(t, r, 401, name='GET with a body reaches the view', allow=ALLOW_GET)
