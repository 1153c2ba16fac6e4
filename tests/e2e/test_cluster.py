"""jwtauth on a three-node MariaDB Galera cluster (README: Scaling out), once per run of
the plain build (run-e2e: JWTAUTH_E2E_TESTS=cluster runs only this).

The cluster is tools/cluster.py's (what ./dev cluster starts), in a temporary directory.
Two front ends, lighttpd-fastcgi and apache-proxy-fcgi, each use a different node first
([db] hosts in another order; a build without hosts gets host and port of that node), with
[db] connect_timeout = 5, above the 2 s in which the nodes declare a dead one (a node that
dies holds the others' commits until then).
Checked:
- every table of jwtauth has a primary key (Galera needs one to replicate rows safely);
- two jwtauth-admin migrate at once on two nodes apply each file once (the migrate lock);
- concurrent failed and successful logins through both front ends: the throttle rows
  count exactly the failed ones, the audit log has exactly one row per login; a refresh
  token blacklisted through both at once has one blacklist row and no answer is a 5xx; one
  refreshed (rotated) through both at once is rotated once;
- a node cut off from the others (1047): the front end listing it first goes to the next;
- registrations and logins through both at once while node2 is killed (SIGKILL) and
  restarted (it rejoins by IST): every registration answered 201 is on every node once,
  no address twice, and how many requests failed while node2 was down is printed.
"""
import concurrent.futures
import json
import os
import re
import shutil
import tempfile
import threading
import time
import traceback

import harness
import cluster as galera  # tools/cluster.py, on the path by harness

PASSWORD = 'Galera-pw-2026!x'
SERVERS = ('lighttpd-fastcgi', 'apache-proxy-fcgi')
# The load: registrations (a login after every fifth) by THREADS threads per front end,
# each pausing PACE s after each answer, at least REGISTRATIONS in all and until node2 is
# back (Synced) and a second more; MAX_REQUESTS bounds it.
THREADS = 3
PACE = 0.03
REGISTRATIONS = 300
MAX_REQUESTS = 6000
# The safety checks' concurrent requests.
FAILED_LOGINS = 40
GOOD_LOGINS = 20
BLACKLISTS = 12
ROTATIONS = 12


def hosts_supported():
    """Whether this build's configuration knows [db] hosts (lib/cfg.c)."""
    with open(os.path.join(harness.SRC, 'lib', 'cfg.c')) as fh:
        return '"db", "hosts"' in fh.read()


class Web:
    """One front end on the cluster, its [db] naming node `first` first."""

    def __init__(self, root, server, c, first):
        self.root = os.path.join(root, server)
        os.makedirs(self.root)
        os.chmod(self.root, 0o755)
        self.server = server
        order = c.hosts()[first:] + c.hosts()[:first]
        if hosts_supported():
            db = 'hosts = %s\n' % ' '.join(order)
        else:
            db = 'host = 127.0.0.1\nport = %s\n' % order[0].split(':')[1]
        self.config_path = os.path.join(self.root, 'jwtauth.conf')
        mail = os.path.join(root, 'mail')
        os.makedirs(mail, exist_ok=True)
        os.chmod(mail, 0o1777)
        with open(self.config_path, 'w') as fh:
            fh.write('[jwtauth]\nsecret_key = %s\npassword_hash_cost = 1\n'
                     '[password]\nenforce_hash_cost = 0\n'
                     '[db]\n%sname = jwtauth\nuser = jwtauth\npassword = %s\nconnect_timeout = 5\n'
                     '[mail]\nbackend = file\ndir = %s\nfrom = jwtauth@example.org\n'
                     '[throttle]\nlogin_account_limit = 1000000\nlogin_client_limit = 1000000\n'
                     'register_client_limit = 1000000\n'
                     '[tokens]\nrotate_refresh_tokens = 1\nreuse_grace_period = 60\n'
                     % (harness.SECRET, db, 'e2e-db-password', mail))
        os.chmod(self.config_path, 0o644)
        self.web = harness.Frontend(self.root, server, self.config_path)
        self.web.start()
        self.port = self.web.port

    request = harness.Stack.request

    def stop(self):
        self.web.stop()


def post(w, path, body):
    """POST JSON; (status, json, seconds), status 0 when the connection failed."""
    started = time.monotonic()
    try:
        r = w.request('POST', path, json_body=body, timeout=20)
        return r.status, r.json, time.monotonic() - started
    except OSError:
        return 0, None, time.monotonic() - started


def rows(node, text):
    """Rows of a causal read on node (wsrep_sync_wait: after every write the cluster
    committed), as lists of strings."""
    out = node.query('SET SESSION wsrep_sync_wait = 1;\n' + text, db='jwtauth', timeout=10)
    return [line.split('\t') for line in out.splitlines()]


def check_primary_keys(t, c):
    missing = rows(c.nodes[0], "SELECT t.table_name FROM information_schema.tables t "
                   "LEFT JOIN information_schema.table_constraints k ON k.table_schema = t.table_schema "
                   "AND k.table_name = t.table_name AND k.constraint_type = 'PRIMARY KEY' "
                   "WHERE t.table_schema = 'jwtauth' AND k.constraint_name IS NULL")
    n = rows(c.nodes[0], "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'jwtauth'")
    t.ok(not missing and int(n[0][0]) >= 8, '[cluster] every one of jwtauth\'s %s tables has a primary key'
         % n[0][0], missing)


def check_migrate_lock(t, c):
    """Two migrates at once, through node2 and node3, on a new database."""
    c.nodes[0].query("CREATE DATABASE jwtauth_race CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
    files = sorted(f[:-4] for f in os.listdir(os.path.join(harness.SRC, 'sql', 'migrations'))
                   if f.endswith('.sql'))
    prog = os.path.join(harness.BUILD, 'sbin', 'jwtauth-admin')
    mdir = os.path.join(harness.SRC, 'sql', 'migrations')
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        ps = list(ex.map(lambda m: c.migrate(m, prog, mdir, db='jwtauth_race'), c.nodes[1:]))
    applied = [n for p in ps for n in re.findall(r'Applying (\w+)\.\.\. OK', p.stdout)]
    t.ok(all(p.returncode == 0 for p in ps) and sorted(applied) == files,
         '[cluster] two migrates at once on node2 and node3: each file applied once (%d)' % len(applied),
         [(p.returncode, p.stdout, p.stderr) for p in ps])
    recorded = c.nodes[0].query('SET SESSION wsrep_sync_wait = 1; SELECT name FROM jwtauth_migrations '
                                'ORDER BY name; SELECT COUNT(*) FROM jwtauth_migrate_lock',
                                db='jwtauth_race').split()
    t.eq(recorded, files + ['0'], '[cluster] every migration recorded once on node1, the lock row dropped')


def register(w, email):
    return post(w, '/api/user/register/', {'email': email, 'name': 'G', 'password': PASSWORD,
                                            'password2': PASSWORD, 'tc': True})


def check_conflicts(t, c, webs):
    """Writes to the same rows through two nodes at once: nothing lost."""
    a, b = 'conflict-a@example.org', 'conflict-b@example.org'
    for email in (a, b):
        st, _, _ = register(webs[0], email)
        t.eq(st, 201, '[cluster] register %s' % email)
    uid = {e: int(rows(c.nodes[0], "SELECT id FROM accounts_user WHERE email = '%s'" % e)[0][0])
           for e in (a, b)}
    c.nodes[0].query('DELETE FROM jwtauth_throttle; DELETE FROM jwtauth_audit', db='jwtauth')
    jobs = ([(webs[i % 2], a, 'wrong-' + PASSWORD) for i in range(FAILED_LOGINS)] +
            [(webs[i % 2], b, PASSWORD) for i in range(GOOD_LOGINS)])
    jobs = [jobs[i] for i in sorted(range(len(jobs)), key=lambda i: (i * 7919) % len(jobs))]
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        got = list(ex.map(lambda j: post(j[0], '/api/user/login/', {'email': j[1], 'password': j[2]}), jobs))
    statuses = sorted(set((j[1], g[0]) for j, g in zip(jobs, got)))
    # A request whose deadlocks outlast db.c's runs answers 503 and counts nothing.
    failed = sum(1 for j, g in zip(jobs, got) if j[1] == a and g[0] == 404)
    good = sum(1 for j, g in zip(jobs, got) if j[1] == b and g[0] == 200)
    errors = len(jobs) - failed - good
    print('# [cluster] concurrent logins: %d answered 503 (deadlocks past the retries)' % errors, flush=True)
    t.ok(set(statuses) <= {(a, 404), (b, 200), (a, 503), (b, 503)} and failed and good,
         '[cluster] %d failed and %d good logins at once through two nodes: 404 and 200 (%d 503)'
         % (FAILED_LOGINS, GOOD_LOGINS, errors), statuses)
    thr = rows(c.nodes[2], "SELECT scope, hits FROM jwtauth_throttle ORDER BY scope")
    t.eq(thr, [['login_account', str(failed)], ['login_client', str(failed)]],
         '[cluster] throttle rows (read on node3): exactly the %d failed logins, for the account and '
         'for the client' % failed)
    audit = rows(c.nodes[2], "SELECT user_id, outcome, COUNT(*) FROM jwtauth_audit WHERE event = 'login' "
                 "AND outcome IN ('failed', 'ok') GROUP BY user_id, outcome ORDER BY user_id")
    t.eq(audit, [[str(uid[a]), 'failed', str(failed)], [str(uid[b]), 'ok', str(good)]]
         if uid[a] < uid[b] else
         [[str(uid[b]), 'ok', str(good)], [str(uid[a]), 'failed', str(failed)]],
         '[cluster] audit rows (node3): one per login answered')
    n_err = rows(c.nodes[2], "SELECT COUNT(*) FROM jwtauth_audit WHERE event = 'login' AND outcome = 'error'")
    t.eq(n_err, [[str(errors)]], '[cluster] audit: one error row per login answered 503')
    refresh = [g[1]['token']['refresh'] if 'token' in (g[1] or {}) else (g[1] or {}).get('refresh')
               for j, g in zip(jobs, got) if j[1] == b][0]
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        bl = list(ex.map(lambda i: post(webs[i % 2], '/api/user/token/blacklist/', {'refresh': refresh}),
                         range(BLACKLISTS)))
    codes = sorted(g[0] for g in bl)
    t.ok(codes.count(200) >= 1 and set(codes) <= {200, 401}, '[cluster] one refresh token blacklisted %d '
         'times at once through two nodes: 200 or 401 (already blacklisted), no 5xx' % BLACKLISTS, codes)
    jti = json.loads(__import__('base64').urlsafe_b64decode(refresh.split('.')[1] + '==='))['jti']
    n = rows(c.nodes[1], "SELECT COUNT(*) FROM token_blacklist_blacklistedtoken b JOIN "
             "token_blacklist_outstandingtoken o ON o.id = b.token_id WHERE o.jti = '%s'" % jti)
    t.eq(n, [['1']], '[cluster] one blacklist row for it (node2)')

    # One refresh token refreshed (rotated) through both at once: one rotation, whose
    # successor every answer carries (the grace window), one family row more.
    st, body, _ = post(webs[0], '/api/user/login/', {'email': b, 'password': PASSWORD})
    refresh = (body or {}).get('token', body or {}).get('refresh')
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        rot = list(ex.map(lambda i: post(webs[i % 2], '/api/user/token/refresh/', {'refresh': refresh}),
                          range(ROTATIONS)))
    codes = sorted(g[0] for g in rot)
    successors = set((g[1] or {}).get('refresh') for g in rot)
    t.ok(st == 200 and codes == [200] * ROTATIONS and len(successors) == 1 and None not in successors,
         '[cluster] one refresh token refreshed %d times at once through two nodes: every answer 200 with '
         'the one successor' % ROTATIONS, (codes, len(successors)))
    jti = json.loads(__import__('base64').urlsafe_b64decode(refresh.split('.')[1] + '==='))['jti']
    fam = rows(c.nodes[2], "SELECT COUNT(*), SUM(r.rotated_at IS NOT NULL) FROM jwtauth_refresh_token r "
               "WHERE r.family = (SELECT family FROM jwtauth_refresh_token WHERE jti = '%s')" % jti)
    t.eq(fam, [['2', '1']], '[cluster] its family (node3): two rows, one rotated out')


def check_not_ready(t, c, webs):
    """node2 cut off from the others (gmcast.isolate): it accepts connections but answers
    1047 (not in the primary component); the front end that lists it first goes on to node3."""
    node = c.nodes[1]
    node.query("SET GLOBAL wsrep_provider_options = 'gmcast.isolate = 1'")
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            st = node.status()
            if st is not None and st[0] == 1:
                break
            time.sleep(0.1)
        t.ok(st is not None and st[0] == 1, '[cluster] node2 isolated: a cluster of 1, %s' % (st,))
        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            got = list(ex.map(lambda i: register(webs[1], 'isolated-%d@example.org' % i)[0], range(20)))
        if hosts_supported():
            t.eq(sorted(set(got)), [201], '[cluster] node2 not ready (1047): %s, which lists it first, '
                 'registers through node3' % webs[1].server)
        else:
            t.ok(set(got) <= {201, 503}, '[cluster] node2 not ready (1047), no [db] hosts: 201 or 503', got)
    finally:
        node.query("SET GLOBAL wsrep_provider_options = 'gmcast.isolate = 0'")
        c.start()


class Load:
    """Registrations (and a login after every fifth) through the front ends, in threads."""

    def __init__(self, webs):
        self.webs = webs
        self.lock = threading.Lock()
        self.results = []       # (web index, email or None, status, started, seconds)
        self.stop = threading.Event()
        self.n = 0

    def worker(self, wi, ti):
        w = self.webs[wi]
        i = 0
        while not self.stop.is_set():
            with self.lock:
                if len(self.results) >= MAX_REQUESTS:
                    return
            email = 'load-%d-%d-%d@example.org' % (wi, ti, i)
            i += 1
            started = time.monotonic()
            st, _, secs = register(w, email)
            with self.lock:
                self.results.append((wi, email, st, started, secs))
            if st == 201 and i % 5 == 0:
                started = time.monotonic()
                st, _, secs = post(w, '/api/user/login/', {'email': email, 'password': PASSWORD})
                with self.lock:
                    self.results.append((wi, None, st, started, secs))
            time.sleep(0.05 if st in (0, 500, 502, 503, 504) else PACE)

    def registered(self):
        with self.lock:
            return sum(1 for r in self.results if r[1] is not None and r[2] == 201)


def check_node_killed(t, c, webs):
    load = Load(webs)
    threads = [threading.Thread(target=load.worker, args=(wi, ti))
               for wi in range(len(webs)) for ti in range(THREADS)]
    for th in threads:
        th.start()
    node = c.nodes[1]
    try:
        deadline = time.monotonic() + 60
        while load.registered() < REGISTRATIONS // 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        down = time.monotonic()
        node.kill()
        time.sleep(2)
        ist_before = open(node.log, errors='replace').read().count('IST received')
        c.start()
        up = time.monotonic()
        while load.registered() < REGISTRATIONS and time.monotonic() < up + 60:
            time.sleep(0.05)
        time.sleep(1)
    finally:
        load.stop.set()
        for th in threads:
            th.join()
    res = load.results
    t.ok(open(node.log, errors='replace').read().count('IST received') > ist_before,
         '[cluster] node2, killed and started again, rejoined by IST (%.1f s down)' % (up - down))
    during = [r for r in res if down <= r[3] < up]
    failed = [r for r in during if r[2] not in (200, 201)]
    print('# [cluster] of those failures, %d in the first second after SIGKILL (the writes in flight '
          'on node2); by front end: %s' % (sum(1 for r in failed if r[3] < down + 1),
                                           ', '.join('%s %d' % (w.server, len([r for r in failed if r[0] == i]))
                                                         for i, w in enumerate(webs))), flush=True)
    print('# [cluster] %d of %d requests failed while node2 was down (%.1f s); longest %.1f s; '
          '%d requests in all, %d registrations answered 201 (%s)'
          % (len(failed), len(during), up - down, max([r[4] for r in during] or [0]), len(res),
             load.registered(), 'hosts: failover' if hosts_supported() else 'no [db] hosts: one node each'),
          flush=True)
    statuses = sorted(set(r[2] for r in res))
    t.ok(set(statuses) <= {200, 201, 503}, '[cluster] under the load, every answer 200, 201 or 503', statuses)
    ok = set(r[1] for r in res if r[1] is not None and r[2] == 201)
    t.ok(len(ok) >= REGISTRATIONS, '[cluster] %d registrations answered 201' % len(ok))
    for m in c.nodes:
        have = rows(m, "SELECT email, COUNT(*) FROM accounts_user WHERE email LIKE 'load-%' GROUP BY email")
        counts = dict((e, int(n)) for e, n in have)
        missing = [e for e in ok if counts.get(e) != 1]
        twice = [e for e, n in counts.items() if n != 1]
        t.ok(not missing and not twice, '[cluster] %s: every registration answered 201 there once (%d rows), '
             'none twice' % (m.name, len(counts)), (missing[:5], twice[:5]))
    extra = set(counts) - ok
    by_email = dict((r[1], r) for r in res if r[1] is not None)
    print('# [cluster] %d rows whose registration was not answered 201: %s' % (len(extra), '; '.join(
        '%s %s at kill%+.2f s' % (e, by_email[e][2], by_email[e][3] - down) if e in by_email else e
        for e in sorted(extra))), flush=True)


def run(t):
    if shutil.which('mariadbd') is None or not os.path.exists(galera.PROVIDER):
        t.skip('[cluster] Galera cluster', 'no %s (galera-4)' % galera.PROVIDER)
        return
    root = tempfile.mkdtemp(prefix='jwtauth-gc-', dir='/tmp')
    os.chmod(root, 0o755)
    c = galera.Cluster(root)
    webs = []
    keep = False
    failed = t.failed
    try:
        started = time.monotonic()
        c.start()
        p = c.setup_jwtauth('e2e-db-password', os.path.join(harness.BUILD, 'sbin', 'jwtauth-admin'),
                            os.path.join(harness.SRC, 'sql', 'migrations'))
        t.ok(p.returncode == 0, '[cluster] three nodes Synced, jwtauth migrated (%.1f s)'
             % (time.monotonic() - started), p.stdout + p.stderr)
        check_primary_keys(t, c)
        check_migrate_lock(t, c)
        webs = [Web(root, SERVERS[0], c, 0), Web(root, SERVERS[1], c, 1)]
        check_conflicts(t, c, webs)
        check_not_ready(t, c, webs)
        check_node_killed(t, c, webs)
        logs = ''.join(w.web.logs() for w in webs)
        print('# [cluster] in the front ends\' logs: %d deadlocks (1213) met, each run again; %d commits '
              'failed by one' % (logs.count(': 1213 '), logs.count('commit: 1213')), flush=True)
        # The database errors the front ends met, by kind (numbers and addresses left out), so
        # that a run with failures says why in its output even when its state is not kept.
        kinds = {}
        for line in logs.splitlines():
            m = re.search(r'(?:statement \d+|commit|connect to \S+|db_\w+): (.*)', line)
            if m and ('err' in line or 'warn' in line):
                kind = re.sub(r'\d+(?:\.\d+)*', 'N', m.group(1))[:100]
                kinds[kind] = kinds.get(kind, 0) + 1
        for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:8]:
            print('# [cluster] logged %5d x %s' % (n, kind), flush=True)
        for w in webs:
            reports = w.web.sanitizer_reports()
            t.ok(not reports, '[cluster] %s: no sanitizer reports' % w.server, '\n'.join(reports[:20]))
    except Exception:
        t.ok(False, '[cluster] raised', traceback.format_exc())
    finally:
        keep = t.failed != failed or os.environ.get('JWTAUTH_E2E_KEEP') == '1'
        for w in webs:
            w.stop()
        c.stop()
        if keep:
            print('# [cluster] state kept in %s' % root, flush=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
