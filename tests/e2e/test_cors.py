"""CORS: preflights, allowed and foreign origins, the headers on every kind of answer."""
from api import P_LOGIN, P_PROFILE, P_REFRESH, P_REGISTER, check, register, vary_accept


def t_cors(s, t):
    ok, ok2, bad = 'http://localhost:3000', 'http://127.0.0.1:3000', 'http://evil.example.org'
    hdr = {'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type'}
    acah = 'accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with'
    acam = 'DELETE, GET, OPTIONS, PATCH, POST, PUT'
    for path, origin in ((P_REGISTER, ok), (P_PROFILE, ok), (P_LOGIN, ok2), (P_REFRESH, ok),
                         (P_REGISTER.rstrip('/'), ok)):
        r = s.request('OPTIONS', path, headers={**hdr, 'Origin': origin})
        check(t, r, 200, name='preflight %s from %s' % (path, origin), text='', ctype='text/html; charset=utf-8',
              vary='Origin', access_control_allow_origin=origin, access_control_allow_headers=acah,
              access_control_allow_methods=acam, access_control_max_age='86400', Content_Length='0',
              x_frame_options=None, x_content_type_options='nosniff', referrer_policy='same-origin')
    r = s.request('OPTIONS', P_REGISTER, headers={**hdr, 'Origin': bad})
    check(t, r, 200, name='preflight from a foreign origin', text='', vary='Origin', access_control_allow_origin=None,
          access_control_allow_methods=None)
    email, uid, access, _ = register(s)
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'}, headers={'Origin': ok})
    check(t, r, 200, name='login with Origin', vary='Origin', access_control_allow_origin=ok,
          access_control_allow_methods=None)
    r = s.request('GET', P_PROFILE, headers={'Origin': ok})
    check(t, r, 401, name='401 with Origin', vary='Origin', access_control_allow_origin=ok)
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'x'}, headers={'Origin': bad})
    check(t, r, 404, name='foreign origin', vary='Origin', access_control_allow_origin=None)
    r = s.request('POST', P_REFRESH, json_body={}, headers={'Origin': ok2})
    check(t, r, 400, name='token view with Origin', vary=vary_accept(s), access_control_allow_origin=ok2)
    r = s.request('OPTIONS', P_LOGIN, headers={'Origin': ok})
    check(t, r, 200, name='OPTIONS (not preflight) with Origin', access_control_allow_origin=ok,
          access_control_allow_methods=acam, access_control_max_age='86400')
    long_origin = 'http://localhost:3000/' + 'a' * 3000
    r = s.request('POST', P_LOGIN, json_body={}, headers={'Origin': long_origin})
    t.eq(r.header('Access-Control-Allow-Origin'), long_origin, 'a long allowed Origin is echoed whole')
    for origin, allowed in (('HTTP://localhost:3000', True), ('http://localhost:3000/app', True),
                            ('http://LOCALHOST:3000', False), ('http://localhost:3001', False),
                            ('https://localhost:3000', False), ('null', False)):
        r = s.request('POST', P_LOGIN, json_body={}, headers={'Origin': origin})
        t.eq(r.header('Access-Control-Allow-Origin'), origin if allowed else None, 'origin %s allowed=%s' % (origin, allowed))
