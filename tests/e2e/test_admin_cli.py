"""jwtauth-admin, the operator's command line, against a private MariaDB and lighttpd
(run once, not per front end): createsuperuser through a pseudo-terminal (the prompts,
no echo of passwords, re-asking after bad values) and with --noinput, every users verb
and output format compared with the database, the last-admin rule, check, --help and
the exit statuses.  Users it creates log in through the real API."""
import concurrent.futures
import csv
import io
import json
import os
import pty
import re
import select
import signal
import subprocess
import time
import traceback

import harness
from api import P_LOGIN, P_REGISTER, ADMIN_CLI, admin_cli, make_admin, new_email, register


class Pty:
    """jwtauth-admin on a pseudo-terminal: what an operator types and sees."""

    def __init__(self, s, args, env=None):
        e = cli_env(s, env)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execve(ADMIN_CLI, [ADMIN_CLI] + list(args), e)
            finally:
                os._exit(127)
        self.out = b''
        self.pos = 0
        self.rc = None

    def read_more(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            b = os.read(self.fd, 4096)
        except OSError:
            b = b''
        if not b:
            raise EOFError
        self.out += b
        return True

    def reply(self, text, timeout=30):
        """What the program printed before text, without the echo of the line typed last."""
        return self.expect(text, timeout).split('\r\n', 1)[-1]

    def expect(self, text, timeout=30):
        """Wait for text after what was already matched; returns what came before it."""
        want = text.encode()
        end = time.time() + timeout
        while want not in self.out[self.pos:]:
            left = end - time.time()
            if left <= 0:
                raise AssertionError('timed out waiting for %r; got %r' % (text, self.out[self.pos:]))
            try:
                self.read_more(left)
            except EOFError:
                raise AssertionError('program ended waiting for %r; got %r' % (text, self.out[self.pos:]))
        i = self.out.index(want, self.pos)
        before = self.out[self.pos:i].decode('utf-8', 'replace')
        self.pos = i + len(want)
        return before

    def send(self, line):
        os.write(self.fd, line.encode() + b'\n')

    def send_raw(self, b):
        os.write(self.fd, b)

    def wait(self, timeout=60):
        """The exit status, and everything printed after the last match."""
        end = time.time() + timeout
        while True:
            try:
                if not self.read_more(max(0.0, end - time.time())) and time.time() >= end:
                    break
            except EOFError:
                break
        try:
            _, st = os.waitpid(self.pid, 0)
        finally:
            os.close(self.fd)
        self.rc = os.waitstatus_to_exitcode(st)
        return self.rc, self.out[self.pos:].decode('utf-8', 'replace')

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass


def cli_env(s, extra=None):
    from api import admin_env
    return admin_env(s, extra)


def db_users(s, where='1'):
    """The rows as the CLI's JSON shows them, straight from MariaDB, ordered by email, id."""
    out = s.db.sql("SELECT id, email, name, tc, is_active, is_admin, "
                   "IFNULL(DATE_FORMAT(last_login, '%%Y-%%m-%%dT%%H:%%i:%%s.%%fZ'), 'NULL'), "
                   "DATE_FORMAT(created_at, '%%Y-%%m-%%dT%%H:%%i:%%s.%%fZ'), "
                   "DATE_FORMAT(updated_at, '%%Y-%%m-%%dT%%H:%%i:%%s.%%fZ') "
                   "FROM accounts_user WHERE %s ORDER BY email, id" % where)
    rows = []
    for line in out.splitlines():
        f = [unescape(x) for x in line.split('\t')]
        rows.append({'id': int(f[0]), 'email': f[1], 'name': f[2], 'tc': f[3] == '1', 'is_active': f[4] == '1',
                     'is_admin': f[5] == '1', 'last_login': None if f[6] == 'NULL' else f[6],
                     'created_at': f[7], 'updated_at': f[8]})
    return rows


def unescape(x):
    """mariadb --batch escapes \\n, \\t, \\\\ and NUL."""
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t', '0': '\0', '\\': '\\'}.get(m.group(1), m.group(1)), x)


def login(s, email, password):
    return s.request('POST', P_LOGIN, json_body={'email': email, 'password': password})


def one_error_line(t, err, name, contains=None):
    lines = [l for l in err.splitlines() if l.strip()]
    t.ok(len(lines) >= 1 and lines[-1].startswith('jwtauth-admin: ') and
         (contains is None or contains in lines[-1]), name + ': one error line', err)


def t_help_and_usage(s, t):
    rc, out, err = admin_cli(s, '--help')
    t.ok(rc == 0 and 'usage: jwtauth-admin createsuperuser' in out and 'users delete' in out and 'check' in out,
         '--help lists the verbs', (rc, out, err))
    for verb in (['createsuperuser'], ['users', 'list'], ['users', 'show'], ['users', 'add'], ['users', 'set'],
                 ['users', 'set-password'], ['users', 'delete'], ['check']):
        rc, out, err = admin_cli(s, *verb, '--help')
        t.ok(rc == 0 and out.startswith('usage: jwtauth-admin %s' % ' '.join(verb)) and err == '',
             '%s --help: usage on stdout, status 0' % ' '.join(verb), (rc, out, err))
    for args, name in (((), 'no verb'), (('bogus',), 'unknown verb'), (('users',), 'users without a verb'),
                       (('users', 'bogus'), 'unknown users verb'), (('users', 'list', '--bogus'), 'unknown option'),
                       (('users', 'list', '--admin', 'maybe'), 'bad yes/no'),
                       (('users', 'list', '--format', 'xml'), 'bad format'),
                       (('users', 'show'), 'show without a user'), (('users', 'set', '1'), 'set without a change'),
                       (('users', 'set', '--tc'), 'option without its value'),
                       (('check', 'extra'), 'check with an argument'),
                       (('createsuperuser', '--noinput', '--name', 'N'), '--noinput without --email'),
                       (('createsuperuser', '--noinput', '--email', 'a@example.com'), '--noinput without --name')):
        rc, out, err = admin_cli(s, *args)
        t.eq(rc, 2, 'usage error (%s): status 2' % name)
        t.ok(out == '' or not args, 'usage error (%s): nothing on stdout' % name, out)
        if args:
            one_error_line(t, err, 'usage error (%s)' % name)
    rc, out, err = admin_cli(s, 'createsuperuser', '--noinput', '--name', 'N')
    t.ok('You must use --email with --noinput.' in err, "--noinput without --email: Django's message", err)
    rc, out, err = admin_cli(s, 'createsuperuser', input='a@example.com\n')
    t.eq(rc, 2, 'createsuperuser without a terminal and without --noinput: status 2')
    one_error_line(t, err, 'createsuperuser without a terminal', 'not a terminal')


def t_createsuperuser_prompts(s, t):
    taken, _, _, _ = register(s, email=new_email('taken'))
    local = 'Root.%d' % (int(time.time() * 1000) % 10 ** 9)
    typed = '  %s@EXAMPLE.Com ' % local
    want_email = '%s@example.com' % local
    pw = 'Prompted pass 1'
    p = Pty(s, ['createsuperuser'])
    try:
        p.expect('Email: ')
        p.send('not-an-email')
        t.eq(p.reply('Email: ').strip(), 'Error: Enter a valid email address.', 'prompt: invalid email re-asks')
        p.send(taken.upper())
        t.eq(p.reply('Email: ').strip(), 'Error: That email is already taken.', 'prompt: taken email re-asks')
        p.send('')
        t.eq(p.expect('Email: ').strip(), 'Error: This field may not be blank.', 'prompt: blank email re-asks')
        p.send(typed)
        p.expect('Name: ')
        p.send('   ')
        t.eq(p.expect('Name: ').strip(), 'Error: This field may not be blank.', 'prompt: blank name re-asks')
        p.send('n' * 201)
        t.eq(p.reply('Name: ').strip(), 'Error: Ensure this field has no more than 200 characters.',
             'prompt: name of 201 re-asks')
        p.send(' Root Admin ')
        p.expect('Tc: ')
        p.send('maybe')
        t.eq(p.reply('Tc: ').strip(), 'Error: Must be a valid boolean.', 'prompt: tc must be a boolean')
        p.send('yes')
        p.expect('Password: ')
        p.send('first-secret')
        echoed = p.expect('Password (again): ')
        t.ok('first-secret' not in echoed, 'prompt: the password is not echoed', echoed)
        p.send('second-secret')
        got = p.expect('Password: ')
        t.eq(got.strip(), "Error: Your passwords didn't match.", 'prompt: mismatched passwords re-ask')
        t.ok('second-secret' not in got, 'prompt: the second password is not echoed', got)
        p.send('   ')
        p.expect('Password (again): ')
        p.send('   ')
        t.eq(p.expect('Password: ').strip(), "Error: Blank passwords aren't allowed.", 'prompt: blank password')
        p.send('p' * 129)
        p.expect('Password (again): ')
        p.send('p' * 129)
        t.eq(p.expect('Password: ').strip(), 'Error: Ensure this field has no more than 128 characters.',
             'prompt: password of 129 characters')
        p.send('ü' * 100 + 'x' * 28)
        p.expect('Password (again): ')
        p.send('ü' * 100 + 'x' * 28)
        t.eq(p.expect('Superuser created successfully.').strip(), '',
             'prompt: 128 characters (228 bytes) are accepted')
        rc, rest = p.wait()
        t.eq(rc, 0, 'prompt: status 0')
        t.ok('ü' * 100 not in p.out.decode('utf-8', 'replace'), 'prompt: no password anywhere in the output')
    except Exception:
        t.ok(False, 'createsuperuser through a pseudo-terminal', traceback.format_exc() + '\n' + repr(p.out))
        p.kill()
        return
    rows = db_users(s, "email = '%s'" % want_email)
    t.eq([(r['email'], r['name'], r['tc'], r['is_admin'], r['is_active']) for r in rows],
         [(want_email, 'Root Admin', True, True, True)], 'prompt: the row (email normalised, name stripped)')
    r = login(s, want_email, 'ü' * 100 + 'x' * 28)
    t.ok(r.status == 200 and 'access' in json.dumps(r.json), 'prompt: the superuser logs in through the API', r)

    # Another add, options and prompts mixed; Ctrl-D cancels.
    p = Pty(s, ['createsuperuser', '--email', new_email('cancel')])
    try:
        p.expect('Name: ')
        p.send_raw(b'\x04')
        rc, rest = p.wait()
        t.eq(rc, 1, 'end of input at a prompt: status 1')
        t.ok('Operation cancelled.' in rest, "end of input: Django's 'Operation cancelled.'", rest)
    except Exception:
        t.ok(False, 'cancel at a prompt', traceback.format_exc())
        p.kill()


def t_interrupted(s, t):
    """Ctrl-C at the password prompt: Django's message, status 1, the terminal's echo back on."""
    import termios
    p = Pty(s, ['createsuperuser', '--email', new_email('intr'), '--name', 'N', '--tc'])
    try:
        p.expect('Password: ')
        time.sleep(0.2)
        t.eq(termios.tcgetattr(p.fd)[3] & termios.ECHO, 0, 'Ctrl-C: echo is off at the password prompt')
        p.send_raw(b'\x03')
        p.expect('Operation cancelled.')
        t.ok(termios.tcgetattr(p.fd)[3] & termios.ECHO != 0, 'Ctrl-C: echo is on again')
        rc, rest = p.wait()
        t.eq(rc, 1, 'Ctrl-C: status 1')
    except Exception:
        t.ok(False, 'Ctrl-C at a prompt', traceback.format_exc() + repr(p.out))
        p.kill()


def t_createsuperuser_noinput(s, t):
    email = new_email('su', 'Example.ORG')
    rc, out, err = admin_cli(s, 'createsuperuser', '--noinput', '--email', email, '--name', 'Script Root', '--tc',
                             env={'JWTAUTH_SUPERUSER_PASSWORD': 'From the env 1'})
    t.eq((rc, out, err), (0, 'Superuser created successfully.\n', ''), '--noinput: created, silent otherwise')
    norm = email.rsplit('@', 1)[0] + '@example.org'
    row = db_users(s, "email = '%s'" % norm)
    t.eq([(r['tc'], r['is_admin'], r['is_active'], r['name']) for r in row], [(True, True, True, 'Script Root')],
         '--noinput: the row')
    r = login(s, norm, 'From the env 1')
    t.eq(r.status, 200, '--noinput: the superuser logs in with JWTAUTH_SUPERUSER_PASSWORD')
    rc, out, err = admin_cli(s, 'createsuperuser', '--noinput', '--email', norm.upper(), '--name', 'X',
                             env={'JWTAUTH_SUPERUSER_PASSWORD': 'x'})
    t.eq(rc, 1, '--noinput: a taken email: status 1')
    one_error_line(t, err, '--noinput taken', 'That email is already taken.')
    for flags, msg in ((['--email', 'bad@', '--name', 'N'], 'email: Enter a valid email address.'),
                       (['--email', new_email(), '--name', 'n' * 201],
                        'name: Ensure this field has no more than 200 characters.')):
        rc, out, err = admin_cli(s, 'createsuperuser', '--noinput', *flags, env={'JWTAUTH_SUPERUSER_PASSWORD': 'x'})
        t.eq(rc, 1, '--noinput %s: status 1' % msg)
        one_error_line(t, err, '--noinput invalid', msg)
    rc, out, err = admin_cli(s, 'createsuperuser', '--noinput', '--email', new_email(), '--name', 'N',
                             env={'JWTAUTH_SUPERUSER_PASSWORD': '  '})
    t.eq(rc, 1, '--noinput with a blank JWTAUTH_SUPERUSER_PASSWORD: status 1')
    one_error_line(t, err, '--noinput blank password', 'This field may not be blank.')
    # Without the variable: an unusable password, as Django's command makes.
    e2 = new_email('nopw')
    rc, out, err = admin_cli(s, 'createsuperuser', '--noinput', '--email', e2, '--name', 'N', '--tc=no')
    t.eq(rc, 0, '--noinput without a password: created')
    h = s.db.sql("SELECT password, tc FROM accounts_user WHERE email = '%s'" % e2).split()
    t.ok(re.fullmatch(r'![A-Za-z0-9]{40}', h[0]) is not None and h[1] == '0',
         '--noinput without a password: an unusable password ("!" + 40), tc=no', h)
    t.eq(login(s, e2, '').status, 400, 'unusable password: a blank password is refused')
    t.eq(login(s, e2, h[0]).status, 404, 'unusable password: the stored text itself does not log in')
    # make_admin (api.py) is this command.
    e3 = new_email('made')
    uid = make_admin(s, e3, 'Made', 'Made pass 1')
    t.eq(db_users(s, 'id = %d' % uid)[0]['email'], e3, 'make_admin returns the new id')
    t.eq(login(s, e3, 'Made pass 1').status, 200, 'make_admin: logs in')
    e4, id4, _, _ = register(s, email=new_email('promoted'))
    make_admin(s, e4)
    t.eq(db_users(s, 'id = %d' % id4)[0]['is_admin'], True, 'make_admin(s, email): an existing user promoted')
    make_admin(s, e4, admin=False)
    t.eq(db_users(s, 'id = %d' % id4)[0]['is_admin'], False, 'make_admin(s, email, admin=False): demoted')


def t_users_list_show(s, t):
    # Names a CSV or a table must escape, and an inactive non-admin.
    tag = 'lst%d' % (int(time.time() * 1000) % 10 ** 9)
    e1, id1, _, _ = register(s, email='b.%s@example.com' % tag, name='Comma, "quoted"\nline')
    e2, id2, _, _ = register(s, email='a.%s@example.com' % tag, name='Zoë Ünïcode', tc=False)
    e3 = 'c.%s@example.com' % tag
    id3 = make_admin(s, e3, 'Admin Three', 'Admin pass 3')
    s.db.sql('UPDATE accounts_user SET is_active = 0 WHERE id = %d' % id2)
    like = "email LIKE '%%%s%%'" % tag
    want = db_users(s, like)
    t.eq([r['id'] for r in want], [id2, id1, id3], 'the database orders by email')

    rc, out, err = admin_cli(s, 'users', 'list', '--search', tag.upper(), '--format', 'json')
    t.eq(rc, 0, 'list json: status 0')
    t.eq(json.loads(out), want, 'list json == the database (search ignores case)')
    rc, out, err = admin_cli(s, 'users', 'list', '--format', 'json')
    t.eq(json.loads(out), db_users(s), 'list json: every user, ordered by email then id')
    rc, out, err = admin_cli(s, 'users', 'list', '--search', tag, '--format', 'csv')
    t.eq(rc, 0, 'list csv: status 0')
    t.ok('\r\n' in out, 'list csv: CRLF line ends')
    rows = list(csv.reader(io.StringIO(out, newline='')))
    t.eq(rows[0], ['id', 'email', 'name', 'tc', 'is_active', 'is_admin', 'last_login', 'created_at', 'updated_at'],
         'list csv: header')
    conv = [[str(r['id']), r['email'], r['name'], '1' if r['tc'] else '0', '1' if r['is_active'] else '0',
             '1' if r['is_admin'] else '0', r['last_login'] or '', r['created_at'], r['updated_at']] for r in want]
    t.eq(rows[1:], conv, 'list csv == the database (quotes, commas, newlines escaped)')
    for flt, where in ((['--admin', 'yes'], 'is_admin = 1'), (['--admin', 'no'], 'is_admin = 0'),
                       (['--active', 'no'], 'is_active = 0'), (['--active', 'yes', '--admin', 'no'],
                                                               'is_active = 1 AND is_admin = 0')):
        rc, out, err = admin_cli(s, 'users', 'list', '--search', tag, '--format', 'json', *flt)
        t.eq(json.loads(out), db_users(s, like + ' AND ' + where), 'list %s' % ' '.join(flt))
    rc, out, err = admin_cli(s, 'users', 'list', '--search', 'no-such-text-' + tag, '--format', 'json')
    t.eq((rc, json.loads(out)), (0, []), 'list json: nothing found is []')

    rc, out, err = admin_cli(s, 'users', 'list', '--search', tag)
    lines = out.splitlines()
    t.ok(rc == 0 and lines[0].split()[:3] == ['ID', 'EMAIL', 'NAME'] and len(lines) == 4,
         'list table: header and three rows', out)
    col = lines[0].index('EMAIL')
    ncol = lines[0].index('NAME')
    t.eq([l[col:].split(' ')[0] for l in lines[1:]], [r['email'] for r in want], 'list table: emails in order')
    t.ok(all(l[ncol - 2:ncol] == '  ' for l in lines[1:]), 'list table: columns aligned', out)
    t.ok('Comma, "quoted"?line' in out, 'list table: control characters shown as ?', out)

    for who in (str(id1), e1, e1.split('@')[0] + '@EXAMPLE.COM'):
        rc, out, err = admin_cli(s, 'users', 'show', '--format', 'json', who)
        t.eq((rc, json.loads(out) if rc == 0 else err), (0, db_users(s, 'id = %d' % id1)[0]),
             'show %s: json == the database' % who)
    rc, out, err = admin_cli(s, 'users', 'show', str(id3))
    t.ok(rc == 0 and 'email:      %s\n' % e3 in out and 'is_admin:   yes\n' in out and 'password' not in out,
         'show: one field per line, no hash', out)
    rc, out, err = admin_cli(s, 'users', 'show', '--format', 'csv', e3)
    t.eq(list(csv.reader(io.StringIO(out, newline='')))[1][1], e3, 'show csv')
    for who in ('999999999', 'nobody@example.com', b'\xff@example.com', '0', '9' * 30):
        rc, out, err = admin_cli(s, 'users', 'show', who)
        t.eq(rc, 1, 'show unknown %s: status 1' % who)
        one_error_line(t, err, 'show unknown', 'no user')


def t_users_add_set(s, t):
    email = new_email('add')
    rc, out, err = admin_cli(s, 'users', 'add', '--noinput', '--email', email, '--name', 'Added', '--tc', 'yes',
                             env={'JWTAUTH_USER_PASSWORD': 'Added pass 1'})
    m = re.fullmatch(r'User created successfully \(id (\d+)\)\.\n', out)
    t.ok(rc == 0 and m is not None, 'add --noinput: created', (rc, out, err))
    uid = int(m.group(1)) if m else 0
    row = db_users(s, 'id = %d' % uid)
    t.eq([(r['email'], r['tc'], r['is_admin'], r['is_active']) for r in row], [(email, True, False, True)],
         'add: not an admin unless --admin yes')
    t.eq(login(s, email, 'Added pass 1').status, 200, 'add: the user logs in')
    e2 = new_email('addadm')
    rc, out, err = admin_cli(s, 'users', 'add', '--noinput', '--email', e2, '--name', 'A2', '--admin', 'yes',
                             env={'JWTAUTH_USER_PASSWORD': 'x'})
    t.eq(s.db.sql("SELECT is_admin FROM accounts_user WHERE email = '%s'" % e2).strip(), '1', 'add --admin yes')

    # users add on a terminal: the email given, the rest prompted.
    e3 = new_email('addtty')
    p = Pty(s, ['users', 'add', '--email', e3])
    try:
        p.expect('Name: ')
        p.send('Typed')
        p.expect('Tc: ')
        p.send('no')
        p.expect('Password: ')
        p.send('Tty pass 1')
        p.expect('Password (again): ')
        p.send('Tty pass 1')
        p.expect('User created successfully')
        rc, rest = p.wait()
        t.eq(rc, 0, 'add on a terminal: status 0')
    except Exception:
        t.ok(False, 'add on a terminal', traceback.format_exc())
        p.kill()
    t.eq(login(s, e3, 'Tty pass 1').status, 200, 'add on a terminal: logs in')

    e4 = new_email('renamed', 'Example.NET')
    rc, out, err = admin_cli(s, 'users', 'set', str(uid), '--name', ' New Name ', '--tc', 'no', '--email', e4)
    t.eq((rc, out), (0, 'User %d updated.\n' % uid), 'set: status 0')
    n4 = e4.rsplit('@', 1)[0] + '@example.net'
    row = db_users(s, 'id = %d' % uid)[0]
    t.eq((row['email'], row['name'], row['tc']), (n4, 'New Name', False), 'set: email normalised, name stripped, tc')
    t.eq(login(s, n4, 'Added pass 1').status, 200, 'set: logs in with the new email')
    rc, out, err = admin_cli(s, 'users', 'set', n4, '--email', n4.upper())
    t.eq(rc, 0, 'set: a user may keep its own email (case changed)')
    for args, msg in ((['--email', e2], 'email: That email is already taken.'),
                      (['--email', 'nope'], 'email: Enter a valid email address.'),
                      (['--name', ''], 'name: This field may not be blank.')):
        before = db_users(s, 'id = %d' % uid)
        rc, out, err = admin_cli(s, 'users', 'set', str(uid), *args)
        t.eq(rc, 1, 'set %s: status 1' % ' '.join(args))
        one_error_line(t, err, 'set %s' % ' '.join(args), msg)
        t.eq(db_users(s, 'id = %d' % uid), before, 'set %s: nothing changed' % ' '.join(args))
    rc, out, err = admin_cli(s, 'users', 'set', '999999999', '--name', 'x')
    t.eq(rc, 1, 'set an unknown user: status 1')

    # set-password: from the environment, then on a terminal.
    rc, out, err = admin_cli(s, 'users', 'set-password', '--noinput', n4, env={'JWTAUTH_USER_PASSWORD': 'Env pass 2'})
    t.eq((rc, out.lower()), (0, "password changed successfully for user '%s'.\n" % n4),
         'set-password --noinput (the email kept as set last: its case changed)')
    t.eq(login(s, n4, 'Env pass 2').status, 200, 'set-password: the new password logs in')
    t.eq(login(s, n4, 'Added pass 1').status, 404, 'set-password: the old one no longer does')
    rc, out, err = admin_cli(s, 'users', 'set-password', '--noinput', n4)
    t.eq(rc, 2, 'set-password --noinput without JWTAUTH_USER_PASSWORD: status 2')
    rc, out, err = admin_cli(s, 'users', 'set-password', n4, input='x\nx\n')
    t.eq(rc, 2, 'set-password without a terminal: status 2')
    p = Pty(s, ['users', 'set-password', str(uid)])
    try:
        p.expect('Password: ')
        p.send('Tty pass 3')
        p.expect('Password (again): ')
        p.send('Tty pass 4')
        t.eq(p.expect('Password: ').strip(), "Error: Your passwords didn't match.", 'set-password: mismatch re-asks')
        p.send('Tty pass 3')
        p.expect('Password (again): ')
        p.send('Tty pass 3')
        p.expect('Password changed successfully')
        rc, rest = p.wait()
        t.eq(rc, 0, 'set-password on a terminal: status 0')
        t.ok(b'Tty pass' not in p.out, 'set-password: nothing echoed', p.out)
    except Exception:
        t.ok(False, 'set-password on a terminal', traceback.format_exc())
        p.kill()
    t.eq(login(s, n4, 'Tty pass 3').status, 200, 'set-password on a terminal: logs in')


def t_users_delete_last_admin(s, t):
    e1, id1, _, _ = register(s, email=new_email('del'))
    rc, out, err = admin_cli(s, 'users', 'delete', str(id1), input='y\n')
    t.eq(rc, 2, 'delete without a terminal and without --yes: status 2')
    one_error_line(t, err, 'delete without --yes', '--yes')
    t.eq(len(db_users(s, 'id = %d' % id1)), 1, 'delete refused: the user is still there')
    p = Pty(s, ['users', 'delete', e1])
    try:
        p.expect("Delete user %d '%s'? [y/N]: " % (id1, e1))
        p.send('n')
        rc, rest = p.wait()
        t.eq(rc, 1, 'delete answered n: status 1')
    except Exception:
        t.ok(False, 'delete answered n', traceback.format_exc())
        p.kill()
    t.eq(len(db_users(s, 'id = %d' % id1)), 1, 'delete answered n: still there')
    p = Pty(s, ['users', 'delete', e1])
    try:
        p.expect('[y/N]: ')
        p.send('y')
        p.expect('User %d deleted.' % id1)
        rc, rest = p.wait()
        t.eq(rc, 0, 'delete answered y: status 0')
    except Exception:
        t.ok(False, 'delete answered y', traceback.format_exc())
        p.kill()
    t.eq(db_users(s, 'id = %d' % id1), [], 'delete answered y: gone')
    _, id2, _, _ = register(s, email=new_email('del2'))
    rc, out, err = admin_cli(s, 'users', 'delete', '--yes', str(id2))
    t.eq((rc, out, db_users(s, 'id = %d' % id2)), (0, 'User %d deleted.\n' % id2, []), 'delete --yes')
    rc, out, err = admin_cli(s, 'users', 'delete', '--yes', str(id2))
    t.eq(rc, 1, 'delete a deleted user: status 1')

    # The last active admin: demote every other admin, then try.
    last = make_admin(s, new_email('last'), 'Last', 'Last pass 1')
    other = make_admin(s, new_email('other'), 'Other', 'Other pass 1')
    for r in db_users(s, 'is_admin = 1 AND is_active = 1 AND id NOT IN (%d, %d)' % (last, other)):
        admin_cli(s, 'users', 'set', str(r['id']), '--admin', 'no')
    rc, out, err = admin_cli(s, 'users', 'set', str(other), '--active', 'no')
    t.eq(rc, 0, 'deactivating an admin while another is active')
    t.eq([r['id'] for r in db_users(s, 'is_admin = 1 AND is_active = 1')], [last], 'one active admin is left')
    before = db_users(s, 'id = %d' % last)
    for args, what in ((['users', 'set', str(last), '--admin', 'no'], 'demote'),
                       (['users', 'set', str(last), '--active', 'no'], 'deactivate'),
                       (['users', 'delete', '--yes', str(last)], 'delete')):
        rc, out, err = admin_cli(s, *args)
        t.eq(rc, 1, 'last admin: %s refused with status 1' % what)
        one_error_line(t, err, 'last admin: %s' % what, 'last active admin')
    t.eq(db_users(s, 'id = %d' % last), before, 'last admin: unchanged')
    rc, out, err = admin_cli(s, 'users', 'set', str(last), '--name', 'Still Last')
    t.eq(rc, 0, 'last admin: other changes are allowed')
    rc, out, err = admin_cli(s, 'users', 'set', str(other), '--active', 'yes')
    rc, out, err = admin_cli(s, 'users', 'set', str(last), '--admin', 'no')
    t.eq(rc, 0, 'with another active admin, the former last one can be demoted')


def t_check(s, t):
    rc, out, err = admin_cli(s, 'check')
    lines = out.splitlines()
    t.ok(rc == 0 and len(lines) == 5 and all(re.search(r' ok(: |$)', l) for l in lines),
         'check: every line ok, status 0', (rc, out, err))
    rc, out, err = admin_cli(s, 'check', env={'JWTAUTH_DB_SOCKET': '/nonexistent/mysqld.sock'})
    t.eq(rc, 1, 'check with a wrong socket: status 1')
    t.ok(re.search(r'^configuration +ok$', out, re.M) and re.search(r'^database +FAILED', out, re.M),
         'check with a wrong socket: the database line FAILED', out)
    rc, out, err = admin_cli(s, 'check', env={'JWTAUTH_SECRET_KEY': 'short'})
    t.ok(rc == 1 and re.search(r'^configuration +FAILED: ', out, re.M), 'check with a short key: configuration FAILED',
         (rc, out, err))
    # A table that differs from sql/migrations/0001_accounts_user.sql, in a database of its own.
    s.db.sql("CREATE DATABASE jwtauth_bad; GRANT SELECT ON jwtauth_bad.* TO 'jwtauth'@'localhost';"
             "CREATE TABLE jwtauth_bad.accounts_user (id bigint(20) NOT NULL AUTO_INCREMENT PRIMARY KEY, "
             "password varchar(128) NOT NULL, email varchar(100) NOT NULL, name varchar(200) NULL, "
             "tc tinyint(1) NOT NULL, is_active tinyint(1) NOT NULL, is_admin tinyint(1) NOT NULL, "
             "created_at datetime(6) NOT NULL, updated_at datetime(6) NOT NULL, extra int)", db=None)
    rc, out, err = admin_cli(s, 'check', env={'JWTAUTH_DB_NAME': 'jwtauth_bad'})
    t.eq(rc, 1, 'check with a different table: status 1')
    col = re.search(r'^columns +FAILED: (.*)$', out, re.M)
    t.ok(col is not None and 'email is "varchar(100) NO", expected "varchar(255) NO"' in col.group(1) and
         'name is "varchar(200) YES"' in col.group(1) and 'missing column last_login' in col.group(1) and
         'unexpected column extra' in col.group(1), 'check: each column difference named', out)
    t.ok(re.search(r'^unique keys +FAILED: "PRIMARY\(id\)", expected', out, re.M) is not None,
         'check: the missing unique key on email', out)
    s.db.sql("CREATE DATABASE jwtauth_empty; GRANT SELECT ON jwtauth_empty.* TO 'jwtauth'@'localhost';", db=None)
    rc, out, err = admin_cli(s, 'check', env={'JWTAUTH_DB_NAME': 'jwtauth_empty'})
    t.ok(rc == 1 and re.search(r'^table accounts_user +FAILED', out, re.M), 'check: no table', out)


def t_migrate(s, t):
    mdir = os.path.join(harness.SRC, 'sql', 'migrations')
    files = sorted(f[:-4] for f in os.listdir(mdir) if re.fullmatch(r'\d{4}_\w+\.sql', f))
    t.ok(files and files[0] == '0001_accounts_user', 'migrations: 0001 is accounts_user', files)
    # The stack's database was made by migrate (harness.MariaDB.migrate): all recorded.
    out = s.db.migrate(extra=['--list'])
    t.eq(out.splitlines(), [l for l in out.splitlines() if l.startswith(' [X] ')],
         'migrate --list: every migration applied')
    t.eq([l.split()[1] for l in out.splitlines()], files, 'migrate --list: every file, in order')
    t.eq(s.db.sql('SELECT name FROM jwtauth_migrations ORDER BY name').split(), files,
         'jwtauth_migrations: one row per file')
    out = s.db.migrate()
    t.ok('No migrations to apply.' in out and 'Applying' not in out, 'migrate again: nothing to apply', out)

    # A fresh database: every file applied in order, each recorded.
    s.db.sql('CREATE DATABASE jwtauth_mig CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci', db=None)
    out = s.db.migrate(db='jwtauth_mig')
    t.eq(re.findall(r'Applying (\w+)\.\.\. OK', out), files, 'fresh database: each file applied, in order')
    tables = s.db.sql('SHOW TABLES', db='jwtauth_mig').split()
    t.ok('accounts_user' in tables and 'jwtauth_migrations' in tables, 'fresh database: the tables exist', tables)

    # The original's database: accounts_user with a user in it is left exactly as it is.
    with open(os.path.join(mdir, '0001_accounts_user.sql')) as fh:
        ddl = fh.read()
    s.db.sql('CREATE DATABASE jwtauth_orig CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci', db=None)
    s.db.sql(ddl + "; INSERT INTO accounts_user VALUES (7, 'pbkdf2_sha256$x', NULL, 'o@example.com', 'O', 1, 1, 0, "
             "'2024-01-01 00:00:00', '2024-01-01 00:00:00')", db='jwtauth_orig')
    before = (s.db.sql('SHOW CREATE TABLE accounts_user', db='jwtauth_orig'),
              s.db.sql('SELECT * FROM accounts_user', db='jwtauth_orig'))
    out = s.db.migrate(db='jwtauth_orig')
    after = (s.db.sql('SHOW CREATE TABLE accounts_user', db='jwtauth_orig'),
             s.db.sql('SELECT * FROM accounts_user', db='jwtauth_orig'))
    t.eq(after, before, "the original's accounts_user: table and row unchanged by migrate")
    t.eq(s.db.sql('SELECT name FROM jwtauth_migrations ORDER BY name', db='jwtauth_orig').split(), files,
         "the original's database: every migration recorded")

    # Two hosts migrating at once: the lock applies each file once.
    s.db.sql('CREATE DATABASE jwtauth_race CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci', db=None)
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        outs = list(ex.map(lambda _: s.db.migrate(db='jwtauth_race'), range(2)))
    applied = [n for o in outs for n in re.findall(r'Applying (\w+)\.\.\. OK', o)]
    t.eq(sorted(applied), files, 'two migrates at once: each file applied exactly once')

    # The service's own user has no DDL rights: a clear failure, status 1, nothing recorded.
    s.db.sql("CREATE DATABASE jwtauth_dml; GRANT SELECT, INSERT, UPDATE, DELETE ON jwtauth_dml.* "
             "TO 'jwtauth'@'localhost'", db=None)
    rc, out, err = admin_cli(s, 'migrate', '--dir', mdir, env={'JWTAUTH_DB_NAME': 'jwtauth_dml'})
    t.ok(rc == 1 and 'jwtauth-admin: ' in err and ('denied' in err or 'denied' in out),
         'migrate as the service user (no DDL): status 1, the server\'s refusal', (rc, out, err))

    # A failing file stops the run, is not recorded, and applies once fixed.
    bad = os.path.join(s.root, 'migrations-bad')
    os.makedirs(bad)
    with open(os.path.join(bad, '0001_ok.sql'), 'w') as fh:
        fh.write('CREATE TABLE IF NOT EXISTS t_ok (id int PRIMARY KEY);\n')
    with open(os.path.join(bad, '0002_broken.sql'), 'w') as fh:
        fh.write('CREATE TABLE IF NOT EXISTS t_two (id int PRIMARY KEY);\nCREATE TABLEX nonsense;\n')
    with open(os.path.join(bad, '0003_later.sql'), 'w') as fh:
        fh.write('CREATE TABLE IF NOT EXISTS t_three (id int PRIMARY KEY);\n')
    with open(os.path.join(bad, 'README'), 'w') as fh:
        fh.write('not a migration\n')
    s.db.sql('CREATE DATABASE jwtauth_fail', db=None)
    try:
        s.db.migrate(db='jwtauth_fail', extra=['--dir', bad])
        t.ok(False, 'a broken migration: migrate fails')
    except RuntimeError as e:
        msg = str(e)
        t.ok('Applying 0001_ok... OK' in msg and 'Applying 0002_broken... FAILED' in msg and
             '0003_later' not in msg and 'syntax' in msg, 'a broken migration: stops there with the server\'s error', msg)
    t.eq(s.db.sql('SELECT name FROM jwtauth_migrations', db='jwtauth_fail').split(), ['0001_ok'],
         'a broken migration: not recorded')
    with open(os.path.join(bad, '0002_broken.sql'), 'w') as fh:
        fh.write('CREATE TABLE IF NOT EXISTS t_two (id int PRIMARY KEY);\n')
    out = s.db.migrate(db='jwtauth_fail', extra=['--dir', bad])
    t.eq(re.findall(r'Applying (\w+)\.\.\. OK', out), ['0002_broken', '0003_later'], 'fixed: the rest applied')
    rc, out, err = admin_cli(s, 'migrate', '--dir', os.path.join(s.root, 'nonexistent'))
    t.ok(rc == 1 and 'nonexistent' in err, 'migrate --dir of a missing folder: status 1', (rc, err))
    rc, out, err = admin_cli(s, 'migrate', '--wait', 'soon')
    t.eq(rc, 2, 'migrate --wait with no number: usage, status 2')


TESTS = (t_help_and_usage, t_createsuperuser_prompts, t_interrupted, t_createsuperuser_noinput, t_users_list_show,
         t_users_add_set, t_users_delete_last_admin, t_check, t_migrate)


def run(t, mode='lighttpd-fastcgi'):
    """Once, on one front end: the CLI does not depend on the web server."""
    s = harness.Stack(mode)
    try:
        s.start()
    except Exception as e:
        t.ok(False, 'admin CLI: start MariaDB and lighttpd', '%s\nkept %s' % (e, s.root))
        s.stop(keep=True)
        return
    keep = False
    try:
        for fn in TESTS:
            before = t.failed
            print('# [admin-cli] %s' % fn.__name__[2:], flush=True)
            try:
                fn(s, t)
            except Exception:
                t.ok(False, '[admin-cli] %s raised' % fn.__name__[2:], traceback.format_exc())
            keep = keep or t.failed != before
    finally:
        s.stop(keep=keep)
        if keep:
            print('# [admin-cli] state kept in %s' % s.root, flush=True)
