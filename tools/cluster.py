#!/usr/bin/env python3
"""A MariaDB Galera cluster of three nodes on 127.0.0.1, for ./dev cluster and the
cluster test (tests/e2e/test_cluster.py): one copy of the code for both.

    cluster.py start  --dir DIR [--migrate PROG] [--password-file FILE] [--migrations DIR]
    cluster.py stop   --dir DIR
    cluster.py status --dir DIR

Each node N has its own data directory, socket, pid file and log under DIR/nodeN/ and
four ports on 127.0.0.1 (client, Galera's gcomm, IST and rsync SST), chosen free the
first time and kept in DIR/ports.json.  mariadbd runs as the invoking user with
--no-defaults (nothing of the system is read or touched): node1 bootstraps the
cluster (--wsrep-new-cluster), the others join it (their first start copies node1's
data by rsync, SST; a later one receives what they missed, IST).  start returns once
wsrep_cluster_size is 3 and every node is Synced; the mariadbd processes run on, in
a session of their own, until stop (SIGTERM by pid, node1 last, so that it may
bootstrap the next start).  With --migrate, start also makes jwtauth's database,
its user 'jwtauth'@'localhost' and '127.0.0.1' (DML rights only, the password read
from --password-file) and runs PROG migrate (jwtauth-admin) on node1, as ./dev run
does for its one server.  Standard library only.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from frontend import free_port  # noqa: E402

PROVIDER = '/usr/lib/galera/libgalera_smm.so'
NODES = 3


def user():
    return subprocess.run(['id', '-un'], capture_output=True, text=True).stdout.strip()


class Node:
    def __init__(self, cluster, n, ports):
        self.cluster = cluster
        self.n = n
        self.name = 'node%d' % n
        self.dir = os.path.join(cluster.root, self.name)
        self.data = os.path.join(self.dir, 'data')
        self.sock = os.path.join(self.dir, 'mysqld.sock')
        self.pid_file = os.path.join(self.dir, 'mysqld.pid')
        self.log = os.path.join(self.dir, 'mariadb.log')
        # A tmpdir of its own: a starting mariadbd deletes the #sql* files of its tmpdir,
        # which in a shared /tmp breaks other servers' work (mariadb-install-db's).
        self.tmp = os.path.join(self.dir, 'tmp')
        self.port, self.gcomm, self.ist, self.sst = ports
        self.proc = None

    def argv(self, bootstrap):
        c = self.cluster
        # A node that died is declared so after 2 s (default 5 s) and evicted after 3 s
        # (15 s): on one host, its successor on the same port is let in sooner.  A node
        # that rejoins applies what it missed with four threads (wsrep_slave_threads, 1)
        # and holds back the others' writes (flow control) only past 128 write sets
        # queued (16), so that it catches up under load.
        opts = ('gmcast.listen_addr=tcp://127.0.0.1:%d;ist.recv_addr=127.0.0.1:%d;gcache.size=64M;'
                'evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT3S;'
                'evs.inactive_check_period=PT0.5S;gcs.fc_limit=128' % (self.gcomm, self.ist))
        argv = ['mariadbd', '--no-defaults', '--datadir=' + self.data, '--socket=' + self.sock,
                '--tmpdir=' + self.tmp,
                '--port=%d' % self.port, '--bind-address=127.0.0.1', '--user=' + user(),
                '--pid-file=' + self.pid_file, '--log-error=' + self.log,
                '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=16M',
                '--binlog-format=ROW', '--default-storage-engine=InnoDB', '--innodb-autoinc-lock-mode=2',
                '--wsrep-on=ON', '--wsrep-provider=' + PROVIDER, '--wsrep-cluster-name=jwtauth',
                '--wsrep-cluster-address=gcomm://' + ','.join('127.0.0.1:%d' % m.gcomm for m in c.nodes),
                '--wsrep-node-name=' + self.name, '--wsrep-node-address=127.0.0.1',
                '--wsrep-node-incoming-address=127.0.0.1:%d' % self.port,
                '--wsrep-slave-threads=4', '--wsrep-sst-method=rsync', '--wsrep-sst-receive-address=127.0.0.1:%d' % self.sst,
                '--wsrep-provider-options=' + opts]
        if bootstrap:
            argv.append('--wsrep-new-cluster')
        return argv

    def pid(self):
        """The pid of this node's mariadbd when it runs, else None."""
        if self.proc is not None:
            return self.proc.pid if self.proc.poll() is None else None
        try:
            with open(os.path.join(self.dir, 'pid')) as fh:
                pid = int(fh.read())
            os.kill(pid, 0)
            with open('/proc/%d/cmdline' % pid, 'rb') as fh:
                if self.sock.encode() not in fh.read():
                    return None
            return pid
        except (OSError, ValueError):
            return None

    def launch(self, bootstrap=False):
        os.makedirs(self.data, exist_ok=True)
        os.makedirs(self.tmp, exist_ok=True)
        if os.getuid() == 0 and not bootstrap:
            # Under root, rsync's daemon (a joiner's SST) writes as nobody.
            subprocess.run(['chown', '-R', 'nobody:', self.data], check=True)
            os.chmod(self.data, 0o777)
        if bootstrap and not os.path.isdir(os.path.join(self.data, 'mysql')):
            with open(os.path.join(self.dir, 'install.log'), 'wb') as out:
                if subprocess.run(['mariadb-install-db', '--no-defaults', '--datadir=' + self.data,
                                   '--user=' + user(), '--auth-root-authentication-method=socket',
                                   '--skip-test-db'], stdout=out, stderr=subprocess.STDOUT,
                                  env=dict(os.environ, TMPDIR=self.tmp)).returncode:
                    raise RuntimeError('mariadb-install-db failed: see %s/install.log' % self.dir)
        if bootstrap:
            # A node started on its own says so in grastate.dat; we know it is the one.
            g = os.path.join(self.data, 'grastate.dat')
            if os.path.exists(g):
                with open(g) as fh:
                    text = fh.read()
                with open(g, 'w') as fh:
                    fh.write(text.replace('safe_to_bootstrap: 0', 'safe_to_bootstrap: 1'))
        argv = self.argv(bootstrap)
        position = self.recover()
        if position:
            argv.append('--wsrep-start-position=' + position)
        with open(os.path.join(self.dir, 'stdout.log'), 'ab') as out:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        with open(os.path.join(self.dir, 'pid'), 'w') as fh:
            fh.write('%d\n' % self.proc.pid)

    def recover(self):
        """After a crash (grastate.dat's seqno -1) the position InnoDB reached, as
        mariadbd --wsrep-recover finds it (what Debian's galera_recovery does), so that
        the node rejoins by IST; None when there is nothing to recover."""
        try:
            with open(os.path.join(self.data, 'grastate.dat')) as fh:
                if 'seqno:   -1' not in fh.read():
                    return None
        except OSError:
            return None
        log = os.path.join(self.dir, 'recover.log')
        argv = [a for a in self.argv(False) if not a.startswith('--log-error=')]
        subprocess.run(argv + ['--wsrep-recover', '--log-error=' + log], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        found = None
        with open(log, errors='replace') as fh:
            for line in fh:
                if 'WSREP: Recovered position:' in line:
                    found = line.split('Recovered position:')[1].strip()
        return found if found and not found.endswith(':-1') else None

    def query(self, text, db=None, timeout=5):
        """Run text over the socket as the database's owner; stdout, or raise."""
        argv = ['mariadb', '--no-defaults', '-S', self.sock, '--batch', '--skip-column-names',
                '--connect-timeout=%d' % timeout]
        if db:
            argv.append(db)
        p = subprocess.run(argv, input=text, capture_output=True, text=True, timeout=timeout + 60)
        if p.returncode != 0:
            raise RuntimeError('%s: %s' % (self.name, p.stderr.strip()))
        return p.stdout

    def status(self):
        """(cluster size, local state) or None when it does not answer."""
        try:
            out = self.query("SHOW STATUS WHERE Variable_name IN "
                             "('wsrep_cluster_size', 'wsrep_local_state_comment')", timeout=2)
        except (RuntimeError, subprocess.TimeoutExpired):
            return None
        v = dict(line.split('\t', 1) for line in out.splitlines() if '\t' in line)
        return int(v.get('wsrep_cluster_size', '0')), v.get('wsrep_local_state_comment', '')

    def wait_synced(self, size, timeout=120):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.pid() is None:
                raise RuntimeError('%s: mariadbd exited (see %s)' % (self.name, self.log))
            st = self.status()
            if st is not None and st[0] >= size and st[1] == 'Synced':
                return
            time.sleep(0.2)
        raise RuntimeError('%s: not Synced in a cluster of %d after %d s (see %s)'
                           % (self.name, size, timeout, self.log))

    def kill(self, sig=signal.SIGKILL):
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, sig)
        if self.proc is not None:
            self.proc.wait()
            self.proc = None
        else:
            end = time.monotonic() + 120
            while self.pid() is not None and time.monotonic() < end:
                time.sleep(0.1)

    def stop(self):
        self.kill(signal.SIGTERM)


class Cluster:
    def __init__(self, root, n=NODES):
        self.root = os.path.abspath(root)
        os.makedirs(self.root, exist_ok=True)
        path = os.path.join(self.root, 'ports.json')
        try:
            with open(path) as fh:
                ports = json.load(fh)
        except OSError:
            ports = [[free_port() for _ in range(4)] for _ in range(n)]
            with open(path, 'w') as fh:
                json.dump(ports, fh)
        self.nodes = [Node(self, i + 1, p) for i, p in enumerate(ports)]

    def start(self):
        """Every node that is not running, node1 first (bootstrapping when none runs)."""
        running = [m for m in self.nodes if m.pid() is not None]
        for i, m in enumerate(self.nodes):
            if m.pid() is not None:
                continue
            m.launch(bootstrap=not running and i == 0)
            # One at a time: a joiner's SST from a donor that is itself joining fails.
            m.wait_synced(1 if not running and i == 0 else len(running) + 1)
            running.append(m)
        for m in self.nodes:
            m.wait_synced(len(self.nodes))

    def stop(self):
        for m in reversed(self.nodes):
            m.stop()

    def hosts(self):
        """The nodes as [db] hosts lists them: 127.0.0.1:PORT."""
        return ['127.0.0.1:%d' % m.port for m in self.nodes]

    def setup_jwtauth(self, password, migrate, migrations=None, db='jwtauth'):
        """jwtauth's database and user on the cluster (through node1: users and grants
        replicate), then PROG migrate there."""
        self.nodes[0].query(
            "CREATE DATABASE IF NOT EXISTS %s CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;"
            "CREATE USER IF NOT EXISTS 'jwtauth'@'localhost' IDENTIFIED BY '%s';"
            "CREATE USER IF NOT EXISTS 'jwtauth'@'127.0.0.1' IDENTIFIED BY '%s';"
            "GRANT SELECT, INSERT, UPDATE, DELETE ON %s.* TO 'jwtauth'@'localhost';"
            "GRANT SELECT, INSERT, UPDATE, DELETE ON %s.* TO 'jwtauth'@'127.0.0.1';"
            % (db, password, password, db, db))
        return self.migrate(self.nodes[0], migrate, migrations, db)

    def migrate(self, node, prog, migrations=None, db='jwtauth'):
        """prog migrate on node as the database's owner: the CompletedProcess."""
        env = dict(os.environ, JWTAUTH_CONFIG='/dev/null', JWTAUTH_SECRET_KEY='m' * 32,
                   JWTAUTH_DB_SOCKET=node.sock, JWTAUTH_DB_NAME=db, JWTAUTH_DB_USER=user(),
                   JWTAUTH_DB_PASSWORD='')
        argv = [prog, 'migrate'] + (['--dir', migrations] if migrations else [])
        return subprocess.run(argv, env=env, capture_output=True, text=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('verb', choices=('start', 'stop', 'status'))
    ap.add_argument('--dir', required=True)
    ap.add_argument('--migrate')
    ap.add_argument('--migrations')
    ap.add_argument('--password-file')
    a = ap.parse_args()
    c = Cluster(a.dir)
    if a.verb == 'start':
        try:
            c.start()
        except RuntimeError as e:
            print('cluster: %s' % e, file=sys.stderr)
            return 1
        if a.migrate:
            with open(a.password_file) as fh:
                pw = fh.read().strip()
            p = c.setup_jwtauth(pw, a.migrate, a.migrations)
            with open(os.path.join(c.root, 'migrate.log'), 'a') as fh:
                fh.write(p.stdout + p.stderr)
            if p.returncode != 0:
                print('cluster: jwtauth-admin migrate failed: %s' % (p.stdout + p.stderr).strip(),
                      file=sys.stderr)
                return 1
    elif a.verb == 'stop':
        c.stop()
    rc = 0
    for m in c.nodes:
        st = m.status() if m.pid() is not None else None
        print('%s: %s  127.0.0.1:%d  socket %s  gcomm %d ist %d sst %d' % (
            m.name, 'down' if st is None else 'size %d %s' % st, m.port, m.sock, m.gcomm, m.ist, m.sst))
        if a.verb != 'stop' and st is None:
            rc = 1
    return rc


if __name__ == '__main__':
    sys.exit(main())
