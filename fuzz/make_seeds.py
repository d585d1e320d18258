#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/seeds/ (committed; regenerate with
`python3 fuzz/make_seeds.py`).

- rdb_load: dump files written by a real redis-server 7.0.15 (started here on
  a free 127.0.0.1 port and stopped by pid), one per encoding family, plus the
  RDB fixtures under tests/fixtures/rdb/ when they exist.
- resp_decoder: raw reply bytes of the same real server, and a slice of a
  real replication stream (a fake replica sends PSYNC ? -1 and records what
  comes back).
- command: console sessions, one command line per line, the first byte
  choosing the client kind (see fuzz_targets/command.rs).
- scenario_parse: the conformance scenarios and a few hand-written scripts.
"""
import os, shutil, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def encode(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Real:
    """One redis-server with its own directory; killed by pid in stop()."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="replscope-seeds-")
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", self.dir,
             "--enable-debug-command", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port))
                return
            except OSError:
                time.sleep(0.02)
        raise SystemExit("redis-server did not start")

    def raw(self, *args):
        """Sends one command, returns the raw reply bytes."""
        self.sock.sendall(encode(*args))
        time.sleep(0.01)
        self.sock.settimeout(0.2)
        data = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        return data

    def dump(self):
        self.raw("SAVE")
        with open(os.path.join(self.dir, "dump.rdb"), "rb") as f:
            return f.read()

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def write(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# Each RDB seed: the commands that build one keyspace on a fresh server.
RDB_CASES = {
    "empty": [],
    "strings": [("SET", "int", "12345"), ("SET", "neg", "-7"), ("SET", "big", "4294967296"),
                ("SET", "short", "hello"), ("SET", "lzf", "a" * 60 + "b" * 60),
                ("SET", "ttl", "v", "PX", "100000000"), ("SET", "bin", b"\x00\xff\r\n")],
    "lists": [("RPUSH", "l", "a", "1", "-200", "70000", "x" * 70)],
    "list_big": [("RPUSH", "lb") + tuple("item%d" % i for i in range(300)),
                 ("RPUSH", "plain", "y" * 9000)],
    "sets": [("SADD", "ints", "1", "2", "3", "-5", "100000"), ("SADD", "strs", "a", "b", "c")],
    "set_big": [("SADD", "s") + tuple(str(i) for i in range(600))],
    "hashes": [("HSET", "h", "f1", "v1", "f2", "2", "f3", "z" * 30)],
    "hash_big": [("HSET", "hb") + tuple(x for i in range(140) for x in ("f%d" % i, "v%d" % i))],
    "zsets": [("ZADD", "z", "1", "a", "2.5", "b", "-3", "c", "inf", "d")],
    "zset_big": [("ZADD", "zb") + tuple(x for i in range(140) for x in (str(i * 0.5), "m%d" % i))],
    "dbs": [("SET", "k0", "v0"), ("SELECT", "3"), ("SET", "k3", "v3", "EX", "1000"),
            ("HSET", "h3", "a", "b")],
    "populate": [("DEBUG", "POPULATE", "50")],
}


def rdb_seeds():
    for name, commands in RDB_CASES.items():
        real = Real()
        try:
            for c in commands:
                real.raw(*c)
            write("rdb_load", name + ".bin", real.dump())
        finally:
            real.stop()
    fixtures = os.path.join(ROOT, "tests", "fixtures", "rdb")
    if os.path.isdir(fixtures):
        for f in sorted(os.listdir(fixtures)):
            with open(os.path.join(fixtures, f), "rb") as src:
                write("rdb_load", "fixture_" + f.replace(".rdb", ".bin"), src.read())


RESP_COMMANDS = [
    ("PING",), ("SET", "foo", "bar"), ("GET", "foo"), ("GET", "missing"),
    ("INCR", "n"), ("RPUSH", "l", "a", "b"), ("LRANGE", "l", "0", "-1"),
    ("HSET", "h", "f", "v"), ("HGETALL", "h"), ("NOSUCH",), ("MULTI",), ("EXEC",),
    ("EXEC",), ("ZADD", "z", "1", "m"), ("ZRANGE", "z", "0", "-1", "WITHSCORES"),
    ("BLPOP", "nothing", "0.01"), ("INFO", "replication"),
]


def resp_seeds():
    real = Real()
    try:
        for i, c in enumerate(RESP_COMMANDS):
            write("resp_decoder", "reply_%02d_%s" % (i, c[0].lower()), real.raw(*c))
            # The first byte of a resp_decoder input picks the split point.
            write("resp_decoder", "command_%02d" % i, b"\x05" + encode(*c))
        # A real replication stream: handshake replies, the RDB payload, then
        # a propagated write.
        sock = socket.create_connection(("127.0.0.1", real.port))
        sock.sendall(encode("PSYNC", "?", "-1"))
        time.sleep(0.3)
        real.raw("SET", "streamed", "value")
        time.sleep(0.3)
        sock.settimeout(0.5)
        stream = b""
        try:
            while len(stream) < 4096:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                stream += chunk
        except socket.timeout:
            pass
        sock.close()
        write("resp_decoder", "replication_stream", b"\x00" + stream)
    finally:
        real.stop()


COMMAND_SESSIONS = {
    "strings": "SET foo bar\nGET foo\nAPPEND foo baz\nINCR n\nINCRBYFLOAT f 1.5\nGETSET foo x\nGETDEL foo\nSETRANGE s 3 abc\nMSET a 1 b 2\nMGET a b c\n",
    "expiry": "SET k v EX 1\nSET p v PX 3\nEXPIRE k 100\nPEXPIREAT p 1\nTTL k\nPERSIST k\nGETEX k EX 5\nSETEX e 1 v\nGET p\n",
    "multi": "MULTI\nSET a 1\nINCR a\nLPUSH l x\nEXEC\nMULTI\nNOSUCH\nEXEC\nMULTI\nDISCARD\nEXEC\n",
    "types": "RPUSH l a b c\nLPOP l\nLRANGE l 0 -1\nSADD s 1 2 3\nSPOP s\nSMEMBERS s\nHSET h f v g w\nHDEL h f\nZADD z 1 a 2 b\nZINCRBY z 3 a\nZRANGE z 0 -1 WITHSCORES\nTYPE z\n",
    "keys": "SET a 1\nSELECT 2\nSET b 2\nKEYS *\nSCAN 0\nDEL a b\nEXISTS a\nRENAME b c\nFLUSHDB\nFLUSHALL\nDBSIZE\n",
    "server": "PING\nECHO hi\nCONFIG SET repl-backlog-size 1000\nCONFIG GET repl*\nINFO\nDEBUG POPULATE 10\nROLE\nREPLICAOF NO ONE\nWAIT 0 0\n",
    "quoting": "SET \"a b\" 'c d'\nSET \"\\x00\\xff\" \"\\n\"\nGET \"unbalanced\nSET k \"x\"y\n",
}


def command_seeds():
    for name, text in COMMAND_SESSIONS.items():
        write("command", name, b"\x02" + text.encode())
        write("command", name + "_as_master", b"\x0b" + text.encode())


SCENARIOS = {
    "basic.scen": "# a comment\nnode A\nnode B\nB> REPLICAOF A\nA> SET foo \"hello world\"\nwait 1500\nsettle\nexpect B> GET foo => \"hello world\"\n",
    "links.scen": "node A\nnode B\nlink A B down\nlink A B up\nlink A B latency 20\nlink A B bandwidth 100000\nlink A B bandwidth unlimited\nlink A B down oneway\nstep 3\nphase 1000\nremove node B\n",
    "expects.scen": "node A\nA> RPUSH l a b\nexpect A> LRANGE l 0 -1 => 1) \"a\" 2) \"b\"\nexpect A> INFO replication ~> role:master\nexpect A> GET nope => (nil)  # trailing comment\n",
}


def scenario_seeds():
    for name, text in SCENARIOS.items():
        write("scenario_parse", name, text)
    conformance = os.path.join(ROOT, "tests", "conformance")
    if os.path.isdir(conformance):
        for f in sorted(os.listdir(conformance)):
            if f.endswith(".scen"):
                shutil.copy(os.path.join(conformance, f), os.path.join(SEEDS, "scenario_parse", f))


if __name__ == "__main__":
    rdb_seeds()
    resp_seeds()
    command_seeds()
    scenario_seeds()
    for target in sorted(os.listdir(SEEDS)):
        print(target, len(os.listdir(os.path.join(SEEDS, target))), "seeds")
