"""The audit log (README, Security: Audit log): every audited request leaves one row of
jwtauth_audit with its event, the user, the client's address, the User-Agent cut to its
column and the outcome; unaudited requests leave none; no row holds a password or a
token; failed logins and rejected reset tokens are logged as warnings with the address;
jwtauth-admin audit's filters, formats and --prune, and the rows of its own verbs.
Rows are found by a User-Agent made for each test."""
import base64
import datetime
import json
import os
import re
import uuid

import harness
from api import (P_ADMIN_USERS, P_CHANGE, P_LOGIN, P_PROFILE, P_REFRESH, P_REGISTER, P_RESET, P_SEND_RESET,
                 P_VERIFY, admin_cli, make_admin, mails_since, new_email, p_admin_user, reg_body, reset_secrets)
from test_admin_cli import unescape

COLUMNS = ("id, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), event, IFNULL(user_id, 'NULL'), "
           "IFNULL(target_id, 'NULL'), client, user_agent, outcome")


def quote(v):
    return "'%s'" % v.replace('\\', '\\\\').replace("'", "''")


def rows(s, where):
    """The rows of jwtauth_audit that where selects, in id order, as dicts."""
    out = []
    for line in s.db.sql('SELECT %s FROM jwtauth_audit WHERE %s ORDER BY id' % (COLUMNS, where)).splitlines():
        f = [unescape(x) for x in line.split('\t')]
        out.append({'id': int(f[0]), 'created_at': f[1], 'event': f[2],
                    'user_id': None if f[3] == 'NULL' else int(f[3]),
                    'target_id': None if f[4] == 'NULL' else int(f[4]),
                    'client': f[5], 'user_agent': f[6], 'outcome': f[7]})
    return out


def by_ua(s, ua):
    return rows(s, 'user_agent = %s' % quote(ua))


def brief(rs):
    return [(r['event'], r['user_id'], r['target_id'], r['outcome']) for r in rs]


def user_id_of(access):
    return json.loads(base64.urlsafe_b64decode(access.split('.')[1] + '==='))['user_id']


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def new_ua(tag):
    return 'audit-e2e-%s/%s' % (tag, uuid.uuid4().hex[:12])


def every_row_text(s):
    return s.db.sql("SELECT CONCAT_WS('|', id, created_at, event, user_id, target_id, client, user_agent, outcome) "
                    "FROM jwtauth_audit")


def t_audit_events(s, t):
    ua = new_ua('events')
    h = {'User-Agent': ua}
    email = new_email('audit')
    pw, pw2, wrong = ('Audit-pw-%s' % uuid.uuid4().hex[:10] for _ in range(3))
    start = utcnow()
    post = lambda path, body, hdrs=None: s.request('POST', path, json_body=body, headers=dict(h, **(hdrs or {})))
    r = post(P_REGISTER, reg_body(email, password=pw))
    if not t.eq(r.status, 201, 'register'):
        return
    access0, refresh0 = r.json['access'], r.json['refresh']
    uid = user_id_of(access0)
    t.eq(post(P_LOGIN, {'email': email, 'password': wrong}).status, 404, 'login, wrong password')
    t.eq(post(P_LOGIN, {'email': 'no.' + email, 'password': wrong}).status, 404, 'login, unknown e-mail')
    t.eq(post(P_LOGIN, {'email': email}).status, 400, 'login without a password')
    r = post(P_LOGIN, {'email': email, 'password': pw})
    t.eq(r.status, 200, 'login')
    access, refresh = r.json['access'], r.json['refresh']
    r = post(P_REFRESH, {'refresh': refresh})
    t.eq(r.status, 200, 'refresh')
    access2 = r.json['access']
    t.eq(post(P_REFRESH, {'refresh': 'not-a-token'}).status, 401, 'refresh with a bad token')
    t.eq(post('/api/user/token/blacklist/', {'refresh': refresh0}).status, 200, 'blacklist the first refresh token')
    t.eq(post('/api/user/token/blacklist/', {'refresh': refresh0}).status, 401, 'blacklist it again')
    t.eq(post('/api/user/logout/', {'refresh': refresh}, {'Authorization': 'Bearer ' + access}).status, 200,
         'logout')
    # Not audited: the profile and verify.
    t.eq(s.request('GET', P_PROFILE, headers=dict(h, Authorization='Bearer ' + access)).status, 200, 'profile')
    t.eq(post(P_VERIFY, {'token': access}).status, 200, 'verify')
    t.eq(post(P_CHANGE, {'password': pw2, 'password2': pw2}).status, 401, 'change password without a token')
    t.eq(post(P_CHANGE, {'password': pw2, 'password2': pw2}, {'Authorization': 'Bearer ' + access}).status, 200,
         'change password')
    t.eq(post(P_SEND_RESET, {'email': 'no.' + email}).status, 400, 'reset mail for an unknown e-mail')
    before = set(os.listdir(s.mail_dir))
    t.eq(post(P_SEND_RESET, {'email': email}).status, 200, 'reset mail')
    mails = mails_since(s, before)
    if not t.eq(len(mails), 1, 'one reset mail'):
        return
    u64, tok, _ = reset_secrets(mails[0])
    bad = tok[:-1] + ('0' if tok[-1] != '0' else '1')
    t.eq(post('%s%s/%s/' % (P_RESET, u64, bad), {'password': pw, 'password2': pw}).status, 400, 'reset, bad token')
    nobody = base64.urlsafe_b64encode(b'987654321012').decode().rstrip('=')
    t.eq(post('%s%s/%s/' % (P_RESET, nobody, tok), {'password': pw, 'password2': pw}).status, 400,
         'reset, a uid that names nobody')
    t.eq(post('%s%s/%s/' % (P_RESET, u64, tok), {'password': pw, 'password2': pw}).status, 200, 'reset')
    end = utcnow()

    got = by_ua(s, ua)
    t.eq(brief(got), [
        ('register', uid, None, 'ok'),
        ('login', uid, None, 'failed'),
        ('login', None, None, 'failed'),
        ('login', None, None, 'failed'),
        ('login', uid, None, 'ok'),
        ('refresh', uid, None, 'ok'),
        ('refresh', None, None, 'failed'),
        ('token_blacklist', uid, None, 'ok'),
        ('token_blacklist', None, None, 'failed'),
        ('logout', uid, None, 'ok'),
        ('password_change', None, None, 'failed'),
        ('password_change', uid, None, 'ok'),
        ('reset_mail', None, None, 'failed'),
        ('reset_mail', uid, None, 'ok'),
        ('reset_done', uid, None, 'failed'),
        ('reset_done', None, None, 'failed'),
        ('reset_done', uid, None, 'ok'),
    ], 'one row per audited request: event, user, outcome (none for profile and verify)')
    t.ok(all(r['client'] == '127.0.0.1' for r in got), 'client: REMOTE_ADDR', [r['client'] for r in got])
    slack = datetime.timedelta(seconds=2)
    times = [datetime.datetime.strptime(r['created_at'], '%Y-%m-%d %H:%M:%S.%f') for r in got]
    t.ok(all(start - slack <= x <= end + slack for x in times) and times == sorted(times),
         'created_at: the request time in UTC, with microseconds', (start, [r['created_at'] for r in got], end))
    text = every_row_text(s)
    secrets = [pw, pw2, wrong, access0, refresh0, access, refresh, access2, tok, bad]
    leaked = [x[:16] for x in secrets if x in text]
    t.ok(not leaked, 'no password or token in any row', leaked)
    # jwtauth's lines (the web servers' access logs have the reset URL, token and all).
    logs = '\n'.join(x for x in s.web.logs().splitlines() if re.search(r'jwtauth-[a-z-]+\[[0-9]+\] ', x))
    for line in ('login failed from 127.0.0.1: wrong password of user %d' % uid,
                 'login failed from 127.0.0.1: no such e-mail',
                 'reset token rejected (user %d) from 127.0.0.1' % uid,
                 'reset token rejected (no such user) from 127.0.0.1'):
        t.ok(any(line in x and ' warning ' in x for x in logs.splitlines()), 'log warning: %s' % line)
    leaked = [x[:16] for x in secrets if x in logs]
    t.ok(not leaked, 'no password or token in the log', leaked)


def t_audit_admin(s, t):
    ua = new_ua('admin')
    admin_email = new_email('audit.admin')
    admin_id = make_admin(s, admin_email, 'Audit Admin', 'Admin-pw-1')
    cli = rows(s, "event = 'admin_create' AND target_id = %d" % admin_id)
    t.eq([(r['user_id'], r['client'], r['outcome']) for r in cli], [(None, 'cli', 'ok')],
         'createsuperuser: admin_create by the command line')
    t.ok(len(cli) == 1 and cli[0]['user_agent'].startswith('jwtauth-admin (uid %d' % os.getuid()),
         'the command line: its operating-system account as the user agent', cli)
    r = s.request('POST', P_LOGIN, json_body={'email': admin_email, 'password': 'Admin-pw-1'})
    ah = {'User-Agent': ua, 'Authorization': 'Bearer ' + r.json['access']}
    email = new_email('audit.target')
    r = s.request('POST', P_ADMIN_USERS, headers=ah, json_body=reg_body(email))
    t.eq(r.status, 201, 'admin API: create')
    target = r.json['id']
    t.eq(s.request('GET', P_ADMIN_USERS, headers=ah).status, 200, 'admin API: list (not audited)')
    t.eq(s.request('GET', p_admin_user(target), headers=ah).status, 200, 'admin API: one user (not audited)')
    t.eq(s.request('PATCH', p_admin_user(target), headers=ah, json_body={'name': 'Changed'}).status, 200,
         'admin API: update')
    t.eq(s.request('PUT', p_admin_user(target), headers=ah, json_body={'email': 'bad'}).status, 400,
         'admin API: a bad update')
    t.eq(s.request('POST', p_admin_user(target) + 'password/', headers=ah,
                   json_body={'password': 'Set-pw-1', 'password2': 'Set-pw-1'}).status, 200, 'admin API: set password')
    r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('audit.plain')))
    plain = user_id_of(r.json['access'])
    t.eq(s.request('PATCH', p_admin_user(target), json_body={'name': 'X'},
                   headers={'User-Agent': ua, 'Authorization': 'Bearer ' + r.json['access']}).status, 403,
         'admin API: a user who is not an admin')
    t.eq(s.request('DELETE', p_admin_user(target), headers=ah).status, 204, 'admin API: delete')
    t.eq(brief(by_ua(s, ua)), [
        ('admin_create', admin_id, target, 'ok'),
        ('admin_update', admin_id, target, 'ok'),
        ('admin_update', admin_id, target, 'failed'),
        ('admin_set_password', admin_id, target, 'ok'),
        ('admin_update', plain, None, 'failed'),
        ('admin_delete', admin_id, target, 'ok'),
    ], 'admin API: who acted, on whom, outcome')
    # The command line's verbs that change users.
    before = rows(s, "client = 'cli'")[-1]['id']
    email = new_email('audit.cli')
    rc, _, err = admin_cli(s, 'users', 'add', '--noinput', '--email', email, '--name', 'C', '--tc',
                           env={'JWTAUTH_USER_PASSWORD': 'Cli-pw-1'})
    t.eq(rc, 0, 'users add')
    uid = int(s.db.sql('SELECT id FROM accounts_user WHERE email = %s' % quote(email)))
    admin_cli(s, 'users', 'set', str(uid), '--name', 'Renamed')
    admin_cli(s, 'users', 'set-password', '--noinput', str(uid), env={'JWTAUTH_USER_PASSWORD': 'Cli-pw-2'})
    admin_cli(s, 'users', 'set', str(admin_id), '--admin', 'yes')
    rc, _, _ = admin_cli(s, 'users', 'set', str(uid), '--name', 'Quiet', env={'JWTAUTH_AUDIT_ENABLED': '0'})
    t.eq(rc, 0, 'users set with [audit] enabled = 0')
    admin_cli(s, 'users', 'delete', '--yes', str(uid))
    got = rows(s, "client = 'cli' AND id > %d" % before)
    t.eq(brief(got), [
        ('admin_create', None, uid, 'ok'),
        ('admin_update', None, uid, 'ok'),
        ('admin_set_password', None, uid, 'ok'),
        ('admin_update', None, admin_id, 'ok'),
        ('admin_delete', None, uid, 'ok'),
    ], 'jwtauth-admin: one row per change (none with enabled = 0)')
    leaked = [x for x in ('Admin-pw-1', 'Set-pw-1', 'Cli-pw-1', 'Cli-pw-2') if x in every_row_text(s)]
    t.ok(not leaked, 'no password in any row', leaked)


def t_audit_user_agent(s, t):
    tag = new_ua('ua')
    long_ua = tag + ' ' + '\u00e9' * 300
    body = {'email': new_email('audit.ua'), 'password': 'x'}
    t.eq(s.request('POST', P_LOGIN, json_body=body, headers={'User-Agent': long_ua.encode('utf-8')}).status, 404,
         'a long UTF-8 User-Agent')
    got = rows(s, 'user_agent LIKE %s' % quote(tag + ' %'))
    want = long_ua[:255]
    t.ok(len(got) == 1 and got[0]['user_agent'] == want, 'cut to 255 characters on a character boundary',
         [len(r['user_agent']) for r in got])
    tag = new_ua('latin1')
    t.eq(s.request('POST', P_LOGIN, json_body=body, headers={'User-Agent': (tag + ' caf\xe9').encode('latin-1')}).status,
         404, 'a User-Agent that is not UTF-8')
    got = rows(s, 'user_agent LIKE %s' % quote(tag + '%'))
    t.eq([r['user_agent'] for r in got], [tag + ' caf\ufffd'], 'invalid UTF-8 as U+FFFD')
    tag = new_ua('xff')
    t.eq(s.request('POST', P_LOGIN, json_body=body, headers={'User-Agent': tag, 'X-Forwarded-For': '203.0.113.5'}).status,
         404, 'X-Forwarded-For without a trusted proxy')
    t.eq([r['client'] for r in by_ua(s, tag)], ['127.0.0.1'], 'X-Forwarded-For ignored: REMOTE_ADDR')
    r = s.request('POST', P_LOGIN, json_body=body)
    t.eq(r.status, 404, 'no User-Agent at all')


def t_audit_forwarded(s, t):
    """A second front end on the same database whose configuration trusts 127.0.0.1 as
    a proxy and keeps 10 characters of User-Agent."""
    root = os.path.join(s.root, 'xff')
    os.makedirs(root)
    os.chmod(root, 0o755)
    conf = os.path.join(root, 'jwtauth.conf')
    with open(s.config_path) as fh:
        text = fh.read()
    with open(conf, 'w') as fh:
        fh.write(text + '\n[jwtauth]\ntrusted_proxies = 127.0.0.1\n[audit]\nuser_agent_length = 10\n')
    os.chmod(conf, 0o644)
    web = harness.Frontend(root, s.mode, conf, s.env)
    try:
        web.start()
        main = s.web
        s.web = web
        try:
            body = {'email': new_email('audit.xff'), 'password': 'x'}
            tags = []
            for xff, want in (('203.0.113.7', '203.0.113.7'), ('198.51.100.1, 203.0.113.8', '203.0.113.8'),
                              ('203.0.113.9, 127.0.0.1', '203.0.113.9'), ('2001:db8::1', '2001:db8::1')):
                tag = uuid.uuid4().hex[:10] + '-and-more'
                tags.append((tag[:10], want, xff))
                t.eq(s.request('POST', P_LOGIN, json_body=body,
                               headers={'User-Agent': tag, 'X-Forwarded-For': xff}).status, 404,
                     'login behind a trusted proxy (%s)' % xff)
            for ua, want, xff in tags:
                got = by_ua(s, ua)
                t.eq([(r['client'], r['event'], r['outcome']) for r in got], [(want, 'login', 'failed')],
                     'client from X-Forwarded-For %r; User-Agent cut to 10' % xff)
            logs = web.logs()
            t.ok('login failed from 203.0.113.7: no such e-mail' in logs, 'the warning names the forwarded address')
        finally:
            s.web = main
    finally:
        web.stop()


def cli_json(s, *args):
    rc, out, err = admin_cli(s, 'audit', '--format', 'json', *args)
    if rc != 0:
        raise AssertionError('jwtauth-admin audit %s: %d %s' % (' '.join(args), rc, err))
    return json.loads(out)


def as_cli(r):
    return {'id': r['id'], 'created_at': r['created_at'].replace(' ', 'T') + 'Z', 'event': r['event'],
            'outcome': r['outcome'], 'user_id': r['user_id'], 'target_id': r['target_id'], 'client': r['client'],
            'user_agent': r['user_agent']}


def t_audit_cli(s, t):
    ua = new_ua('cli')
    email = new_email('audit.cli')
    r = s.request('POST', P_REGISTER, json_body=reg_body(email), headers={'User-Agent': ua})
    uid = user_id_of(r.json['access'])
    for pw in ('bad-1', 'bad-2', 'Secret-pass-1'):
        s.request('POST', P_LOGIN, json_body={'email': email, 'password': pw}, headers={'User-Agent': ua})
    admin_cli(s, 'users', 'set', str(uid), '--name', 'Renamed')
    mine = [as_cli(r) for r in rows(s, 'user_id = %d OR target_id = %d' % (uid, uid))]
    t.eq([(r['event'], r['outcome']) for r in mine],
         [('register', 'ok'), ('login', 'failed'), ('login', 'failed'), ('login', 'ok'), ('admin_update', 'ok')],
         'the rows of one user')
    t.eq(cli_json(s, '--user', str(uid)), mine, '--user ID: the rows, oldest first, as JSON')
    t.eq(cli_json(s, '--user', email.upper()), mine, '--user EMAIL')
    t.eq(cli_json(s, '--user', str(uid), '--event', 'login'), [r for r in mine if r['event'] == 'login'],
         '--event login')
    t.eq(cli_json(s, '--user', str(uid), '--limit', '2'), mine[-2:], '--limit 2: the newest two')
    t.eq(cli_json(s, '--user', str(uid), '--since', '1h'), mine, '--since 1h')
    since = mine[-1]['created_at'][:19]
    t.eq(cli_json(s, '--user', str(uid), '--since', since.replace('T', ' ')),
         [r for r in mine if r['created_at'] >= since], '--since a UTC time (YYYY-MM-DD HH:MM:SS)')
    future = (utcnow() + datetime.timedelta(days=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
    t.eq(cli_json(s, '--user', str(uid), '--since', future), [], '--since tomorrow: nothing')
    t.eq(cli_json(s, '--event', 'no_such_event'), [], 'an event nobody logged: nothing')
    everything = cli_json(s, '--limit', '0')
    t.eq(len(everything), int(s.db.sql('SELECT COUNT(*) FROM jwtauth_audit')), '--limit 0: every row')
    rc, out, err = admin_cli(s, 'audit', '--user', str(uid), '--format', 'csv')
    lines = out.split('\r\n')
    t.ok(rc == 0 and lines[0] == 'id,created_at,event,outcome,user_id,target_id,client,user_agent' and
         len(lines) == len(mine) + 2 and lines[1].startswith('%d,' % mine[0]['id']) and
         lines[-2].endswith(',cli,' + mine[-1]['user_agent']), '--format csv', out)
    rc, out, err = admin_cli(s, 'audit', '--user', str(uid))
    lines = out.splitlines()
    t.ok(rc == 0 and lines[0].split() == ['TIME', '(UTC)', 'EVENT', 'OUTCOME', 'USER', 'TARGET', 'CLIENT', 'USER',
                                         'AGENT'] and len(lines) == len(mine) + 1 and ua in lines[1] and
         'register' in lines[1] and lines[-1].split()[2:6] == ['admin_update', 'ok', '-', str(uid)],
         'the table', out)
    # A deleted user's rows stay, found by id.
    admin_cli(s, 'users', 'delete', '--yes', str(uid))
    t.eq(len(cli_json(s, '--user', str(uid))), len(mine) + 1, 'rows outlive the user (--user ID)')
    rc, _, err = admin_cli(s, 'audit', '--user', email)
    t.ok(rc == 1 and 'no user with email' in err, '--user EMAIL of a deleted user: not found', err)
    for args, name in ((('--since', 'yesterday'), 'bad --since'), (('--event', 'Login!'), 'bad --event'),
                       (('--limit', '-1'), 'bad --limit'), (('--user', '0'), 'user 0'),
                       (('--prune=0',), '--prune=0'), (('--prune', '--user', '1'), '--prune with a filter'),
                       (('extra',), 'an argument'), (('--format', 'xml'), 'bad --format')):
        rc, out, err = admin_cli(s, 'audit', *args)
        t.ok(rc == 2 and out == '' and err.startswith('jwtauth-admin: '), 'usage error (%s): status 2' % name,
             (rc, out, err))
    rc, out, err = admin_cli(s, 'audit', '--help')
    t.ok(rc == 0 and out.startswith('usage: jwtauth-admin audit'), 'audit --help', out)
    # --prune: rows older than DAYS, or than [audit] retention_days (90).
    now = utcnow()
    ages = (1, 29, 31, 89, 91, 400)
    for days in ages:
        s.db.sql("INSERT INTO jwtauth_audit (created_at, event, client, user_agent, outcome) "
                 "VALUES ('%s', 'prune_test', 'cli', 'prune-%d', 'ok')"
                 % ((now - datetime.timedelta(days=days)).strftime('%Y-%m-%d %H:%M:%S'), days))
    left = lambda: sorted(int(r['user_agent'].split('-')[1]) for r in rows(s, "event = 'prune_test'"))
    rc, out, err = admin_cli(s, 'audit', '--prune')
    t.ok(rc == 0 and out.startswith('Deleted 2 audit rows older than ') and '(90 days)' in out,
         '--prune: the configured 90 days', (rc, out, err))
    t.eq(left(), [1, 29, 31, 89], 'rows younger than 90 days stay')
    rc, out, err = admin_cli(s, 'audit', '--prune', '30')
    t.ok(rc == 0 and out.startswith('Deleted 2 audit rows'), '--prune 30', (rc, out, err))
    t.eq(left(), [1, 29], 'rows younger than 30 days stay')
    rc, out, err = admin_cli(s, 'audit', '--prune=30')
    t.ok(rc == 0 and out.startswith('Deleted 0 audit rows'), '--prune=30 again: nothing', (rc, out, err))
    rc, out, err = admin_cli(s, 'audit', '--prune', env={'JWTAUTH_AUDIT_RETENTION_DAYS': '0'})
    t.ok(rc == 1 and 'retention_days is 0' in err, '--prune with retention_days = 0: refused', err)
    t.ok(len(rows(s, "event <> 'prune_test'")) >= len(everything), 'recent rows untouched')
    s.db.sql("DELETE FROM jwtauth_audit WHERE event = 'prune_test'")


def t_audit_write_fails(s, t):
    """Without the table (renamed away for a moment) the requests are answered as ever and
    the log says why no row was written."""
    email = new_email('audit.gone')
    s.request('POST', P_REGISTER, json_body=reg_body(email))
    s.db.sql('RENAME TABLE jwtauth_audit TO jwtauth_audit_away')
    try:
        r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
        t.eq(r.status, 200, 'login while the audit table is missing')
        r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'wrong'})
        t.eq(r.status, 404, 'failed login while the audit table is missing')
    finally:
        s.db.sql('RENAME TABLE jwtauth_audit_away TO jwtauth_audit')
    t.ok('audit row not written (event login, ' in s.web.logs(), 'a warning in the log')
    ua = new_ua('back')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'}, headers={'User-Agent': ua})
    t.eq(r.status, 200, 'login with the table back')
    t.eq(brief(by_ua(s, ua)), [('login', user_id_of(r.json['access']), None, 'ok')], 'rows are written again')
