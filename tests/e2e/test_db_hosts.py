"""[db] hosts: a list of database servers with failover (lib/db.c's connect), against two
independent MariaDB servers on loopback TCP ports (harness.TcpMariaDB) and a closed port,
behind a front end of the run's first mode.  The list is "closed port, A, B": the closed port
is skipped at no cost, A (the first that answers) gets everything; A killed under load: the
requests go to B, no write lost or doubled; A back and B's connections remade: A again; A
frozen: a request waits one [db] connect_timeout at most, then B answers.  Runs once (ONCE):
what it tests is db.c, not the web server."""
import os
import re
import subprocess
import time

import harness
from api import P_LOGIN, P_REGISTER, new_email, reg_body
from test_resilience import DB_RETRY_AFTER, DB_TIMEOUT, Load, clean_503, normal

PASSWORD = 'Secret-pass-1'


class Web:
    """The front end with the list (Load and the checks call request())."""

    def __init__(self, frontend):
        self.web = frontend

    @property
    def port(self):
        return self.web.port

    request = harness.Stack.request


def emails(db):
    """The load's registrations in db's accounts_user."""
    return set(db.sql("SELECT email FROM accounts_user WHERE email LIKE 'load%' OR email LIKE 'hosts%'").split())


def kill_service_connections(db):
    """KILL the service's connections on db: their workers connect afresh (from the top)."""
    ids = db.sql("SELECT id FROM information_schema.processlist WHERE user='jwtauth'").split()
    for i in ids:
        try:
            db.sql('KILL %s' % i)
        except RuntimeError:
            pass        # ended meanwhile
    return len(ids)


def service_connections(db):
    return int(db.sql("SELECT COUNT(*) FROM information_schema.processlist WHERE user='jwtauth'").strip())


def admin(config, hosts, args, env=None):
    """jwtauth-admin with the test's configuration and [db] hosts = hosts (the environment's)."""
    e = dict(os.environ, JWTAUTH_CONFIG=config, JWTAUTH_DB_HOSTS=hosts, **(env or {}))
    return subprocess.run([os.path.join(harness.BUILD, 'sbin', 'jwtauth-admin')] + args, env=e,
                          capture_output=True, text=True, timeout=60)


def check_writes(t, seen, a, b, tag):
    """Every registration answered 201 is in exactly one server's table; a 503 one is in none
    or in one (its answer was lost: README Reliability); no e-mail is in both."""
    in_a, in_b = emails(a), emails(b)
    regs = [r for r in seen if r[0] == 'register']
    created = [r[7] for r in regs if r[3] == 201]
    bad = [e for e in created if (e in in_a) + (e in in_b) != 1]
    t.ok(created and not bad, '%s: each of the %d registrations answered 201 is in exactly one server '
         '(%d in A, %d in B)' % (tag, len(created), sum(1 for e in created if e in in_a),
                                 sum(1 for e in created if e in in_b)), bad[:10])
    t.eq(sorted(in_a & in_b), [], '%s: no e-mail is in both servers' % tag)
    failed = [r[7] for r in regs if r[3] != 201]
    lost_answer = [e for e in failed if e in in_a or e in in_b]
    t.ok(all(r[3] == 503 for r in regs if r[3] != 201),
         '%s: the registrations that failed got 503 (%d)' % (tag, len(failed)),
         [r[:5] for r in regs if r[3] not in (201, 503)][:10])
    t.ok(True, '%s: of %d registrations answered 503, %d are in a table (the INSERT ran, its answer '
         'was lost: the known case) and %d in none' % (tag, len(failed), len(lost_answer),
                                                       len(failed) - len(lost_answer)))
    return len(failed), len(lost_answer)


def t_db_hosts(s, t):
    root = os.path.join(s.root, 'hosts')
    os.makedirs(root)
    os.chmod(root, 0o755)
    a = harness.TcpMariaDB(os.path.join(root, 'A'))
    b = harness.TcpMariaDB(os.path.join(root, 'B'))
    closed = harness.free_port()        # nothing listens there: a refused connect
    web = None
    try:
        errs = []
        for db in (a, b):       # one at a time: TcpMariaDB.start() sets TMPDIR while it runs
            try:
                db.start()
            except Exception as e:      # reported below
                errs.append(e)
        if not t.ok(not errs, 'two MariaDB servers on loopback TCP ports %d, %d' % (a.port, b.port), errs):
            return
        hosts = '127.0.0.1:%d, 127.0.0.1:%d 127.0.0.1:%d' % (closed, a.port, b.port)
        config = os.path.join(root, 'jwtauth.conf')
        with open(config, 'w') as fh:
            fh.write('[jwtauth]\nsecret_key = %s\npassword_hash_cost = 1\n[password]\nenforce_hash_cost = 0\n'
                     '[db]\nhosts = %s\nname = jwtauth\nuser = jwtauth\npassword = %s\nconnect_timeout = %d\n'
                     'retry_after = %d\n[throttle]\nregister_client_limit = 0\nlogin_client_limit = 0\n'
                     'login_account_limit = 0\n[mail]\n' % (harness.SECRET, hosts, a.password, DB_TIMEOUT,
                                                            DB_RETRY_AFTER))
            for k, v in s.mail.items():
                fh.write('%s = %s\n' % (k, v))
        os.chmod(config, 0o644)

        # jwtauth-admin reads the same list: the closed port skipped, the user it adds lands in the
        # first server that answers.  The load's login user is added so to both servers.
        login = new_email('both-login')
        for db, listed in ((a, '127.0.0.1:%d,127.0.0.1:%d' % (closed, a.port)),
                           (b, '127.0.0.1:%d 127.0.0.1:%d' % (closed, b.port))):
            p = admin(config, listed, ['users', 'add', '--noinput', '--email', login, '--name', 'Login',
                                       '--tc'], {'JWTAUTH_USER_PASSWORD': PASSWORD})
            t.ok(p.returncode == 0 and login in db.sql("SELECT email FROM accounts_user"),
                 'jwtauth-admin users add with hosts = %s: the user is in that server' % listed,
                 p.stdout + p.stderr)
        p = admin(config, hosts, ['check'])
        t.ok(p.returncode == 0 and hosts in p.stdout, 'jwtauth-admin check with the list: database on %s'
             % hosts, p.stdout + p.stderr)
        p = admin(config, '127.0.0.1:%d' % closed, ['users', 'list'])
        t.ok(p.returncode != 0, 'jwtauth-admin with only the closed port fails', p.stdout + p.stderr)

        web = Web(harness.Frontend(root, s.mode, config, s.env))
        web.web.start()

        # 1. A answers: everything goes there; the closed port before it costs nothing.
        first = []
        slowest = 0.0
        for i in range(6):
            email = new_email('hosts-first')
            started = time.time()
            r1 = web.request('POST', P_REGISTER, json_body=reg_body(email))
            middle = time.time()
            r2 = web.request('POST', P_LOGIN, json_body={'email': login, 'password': PASSWORD})
            if i > 0:       # the first starts the front end's workers
                slowest = max(slowest, middle - started, time.time() - middle)
            first.append((email, r1.status, r2.status))
        t.eq([x[1:] for x in first], [(201, 200)] * 6, 'A up: registrations and logins succeed')
        t.ok(all(x[0] in emails(a) for x in first) and not any(x[0] in emails(b) for x in first),
             'A up: every registration is in A, none in B', first)
        t.eq(service_connections(b), 0, 'A up: no connection of the service on B')
        t.ok(slowest < DB_TIMEOUT, 'A up: the closed port before it costs nothing: no request waits '
             'connect_timeout (the slowest after the first pair: %.2f s)' % slowest)

        # 2. A killed (SIGKILL) under load: the requests go to B.
        load = Load(web, login).start()
        load.warm(t)
        kill_sent = time.time()
        a.kill()
        killed = time.time()
        time.sleep(2.0)
        seen = load.stop()
        after = [r for r in seen if r[1] > killed + 0.1]
        t.ok(after and all(normal(r) for r in after), 'A killed: all %d requests started after it are '
             'answered by B' % len(after), [r[:5] for r in after if not normal(r)][:10])
        around = [r for r in seen if r[1] <= killed + 0.1 and r[2] >= kill_sent]
        failed = [r for r in seen if not normal(r)]
        t.ok(all(clean_503(r) for r in failed), 'A killed: the %d requests that failed (of %d; %d in flight '
             'at the kill) got the JSON 503 with Retry-After' % (len(failed), len(seen), len(around)),
             [r[:7] for r in failed if not clean_503(r)][:10])
        longest = max(r[2] - r[1] for r in seen)
        t.ok(longest < DB_TIMEOUT + 1.5, 'A killed: no request took longer than connect_timeout + 1.5 s '
             '(longest %.2f s)' % longest)
        a.start_again()
        _, lost_kill = check_writes(t, seen, a, b, 'A killed')
        print('# db hosts, A killed: %d requests, %d failed (503), %d in flight at the kill; %d of the 503 '
              'registrations in a table; longest %.2f s' % (len(seen), len(failed), len(around), lost_kill,
                                                             longest), flush=True)

        # A is back: the workers keep B until their connections are remade, then A again.
        n = kill_service_connections(b)
        time.sleep(0.3)
        back = []
        for i in range(6):
            email = new_email('hosts-back')
            r1 = web.request('POST', P_REGISTER, json_body=reg_body(email))
            r2 = web.request('POST', P_LOGIN, json_body={'email': login, 'password': PASSWORD})
            back.append((email, r1.status, r2.status))
        t.eq([x[1:] for x in back], [(201, 200)] * 6, 'A restarted, B\'s %d connections killed: requests '
             'succeed' % n)
        t.ok(all(x[0] in emails(a) for x in back), 'and new connections go back to A, the first that '
             'answers', [x[0] for x in back if x[0] not in emails(a)])

        # 3. A frozen (SIGSTOP) under load: one connect_timeout at most, then B.
        load = Load(web, login).start()
        warm = load.warm(t)
        a.freeze()
        frozen = time.time()
        try:
            time.sleep(2 * DB_TIMEOUT + 2.5)
            seen = load.stop()
            # A process of its own (jwtauth-admin) waits out A once, then B answers; with B frozen
            # too, B gets one second after A's timeout, and the command fails.
            both = '127.0.0.1:%d,127.0.0.1:%d' % (a.port, b.port)
            started = time.time()
            p = admin(config, both, ['users', 'list', '--search', 'both-login'])
            took = time.time() - started
            t.ok(p.returncode == 0 and login in p.stdout and took < DB_TIMEOUT + 1.5,
                 'A frozen: jwtauth-admin with hosts = A, B lists B\'s users after %.2f s (connect_timeout '
                 '%d s + B)' % (took, DB_TIMEOUT), p.stdout + p.stderr)
            b.freeze()
            try:
                started = time.time()
                p = admin(config, both, ['users', 'list'])
                took = time.time() - started
            finally:
                b.thaw()
            t.ok(p.returncode != 0 and 'no server of [db] hosts answered' in p.stderr and
                 DB_TIMEOUT + 0.5 < took < DB_TIMEOUT + 1 + 1.5,
                 'A and B frozen: jwtauth-admin fails after %.2f s (connect_timeout %d s for A, 1 s for B)'
                 % (took, DB_TIMEOUT), p.stdout + p.stderr)
        finally:
            a.thaw()
        timed = [r for r in seen if r[1] >= warm]
        longest = max(r[2] - r[1] for r in timed)
        t.ok(longest < DB_TIMEOUT + 1.5, 'A frozen: no request took longer than connect_timeout + 1.5 s '
             '(longest %.2f s, %d requests)' % (longest, len(timed)),
             [(r[0], round(r[1] - frozen, 2), round(r[2] - r[1], 2), r[3]) for r in timed
              if r[2] - r[1] >= DB_TIMEOUT + 1.5][:10])
        bad = [r for r in seen if not normal(r) and not clean_503(r)]
        t.ok(not bad, 'A frozen: every answer is the normal one or the JSON 503', [r[:7] for r in bad][:10])
        late = [r for r in seen if r[1] >= frozen + 2 * DB_TIMEOUT + 0.5]
        t.ok(late and all(normal(r) for r in late), 'A frozen: the %d requests started %.1f s after the '
             'freeze are answered by B' % (len(late), 2 * DB_TIMEOUT + 0.5),
             [(r[0], round(r[1] - frozen, 2), r[3]) for r in late if not normal(r)][:10])
        _, lost_frozen = check_writes(t, seen, a, b, 'A frozen')
        moved = [r for r in seen if r[1] >= frozen and normal(r)]
        print('# db hosts, A frozen %.1f s: %d requests, %d failed (503), longest %.2f s, %d succeeded after '
              'the freeze; %d of the 503 registrations in a table' %
              (2 * DB_TIMEOUT + 2.5, len(seen), sum(1 for r in seen if not normal(r)), longest, len(moved),
               lost_frozen), flush=True)

        # Thawed: new connections go back to A.
        n = kill_service_connections(b)
        time.sleep(0.3)
        back = []
        for i in range(4):
            email = new_email('hosts-thawed')
            back.append((email, web.request('POST', P_REGISTER, json_body=reg_body(email)).status))
        t.ok([x[1] for x in back] == [201] * 4 and all(x[0] in emails(a) for x in back),
             'A thawed, B\'s %d connections killed: new registrations go to A' % n, back)

        # The log names the server a worker moved to, once per change, not per request.
        logs = web.web.logs()
        moves = re.findall(r'connected to 127\.0\.0\.1:%d, server 3 of \[db\] hosts' % b.port, logs)
        if s.mode.endswith('-cgi'):
            t.ok(moves, 'the log names B when a process connects there (%d lines: one per CGI process)'
                 % len(moves))
        else:
            on_b = sum(1 for r in seen if r[1] >= frozen and normal(r))
            t.ok(0 < len(moves) < on_b, 'the log names B when a worker moves there, once per move: %d lines '
                 'for %d requests B answered while A was frozen (and those after the kill)' % (len(moves), on_b))
    finally:
        if web is not None:
            web.web.stop()
        for db in (a, b):
            if db.proc is not None:
                try:
                    db.thaw()
                except (ProcessLookupError, AttributeError):
                    pass
            db.stop()
