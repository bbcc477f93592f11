"""The escape and abuse attempts, as bundle sources. Each defines ``attack(**args)`` and
returns "ESCAPED" only if the forbidden thing worked; anything else (an exception, a
timeout, a crash, another value) is for the test to judge with the attack's own check."""

from __future__ import annotations

from dataclasses import dataclass, field

ESCAPED = "ESCAPED"


@dataclass(frozen=True)
class Attack:
    name: str
    source: str
    restricted_only: bool = False
    # process backend: the protection whose absence (see isolation().protections) makes
    # this attack a known gap rather than a failure
    needs: str = ""
    allowed_kinds: frozenset[str] = field(default_factory=frozenset)


def _a(name: str, body: str, **kw: object) -> Attack:
    source = "def attack(**args):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    return Attack(name, source, **kw)  # type: ignore[arg-type]


NETWORK = [
    # UDP connect() only looks a route up: no packet leaves, even if the sandbox leaked.
    _a(
        "route to any address",
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.connect(('192.0.2.1', 80))\nreturn 'ESCAPED'",
        needs="no_network",
    ),
    _a(
        "route to the DNS resolvers",
        "import socket\nservers = [l.split()[1] for l in open('/etc/resolv.conf')\n"
        "           if l.startswith('nameserver')] or ['8.8.8.8']\n"
        "for server in servers:\n"
        "    fam = socket.AF_INET6 if ':' in server else socket.AF_INET\n"
        "    s = socket.socket(fam, socket.SOCK_DGRAM)\n    s.connect((server, 53))\n"
        "return 'ESCAPED'",
        needs="no_network",
    ),
    _a(
        "the host's loopback",
        "import socket\n"
        "socket.create_connection(('127.0.0.1', args['port']), timeout=0.5)\nreturn 'ESCAPED'",
        needs="no_network",
    ),
    _a(
        "the Docker API socket",
        "import socket\ns = socket.socket(socket.AF_UNIX)\n"
        "s.connect('/var/run/docker.sock')\nreturn 'ESCAPED'",
    ),
]
FILES = [
    _a("read /etc/shadow", "open('/etc/shadow').read()\nreturn 'ESCAPED'"),
    _a(
        "read a world-readable host file outside the hidden paths",
        "text = open(args['host_file']).read()\n"
        "return 'ESCAPED' if args['host_text'] in text else 'other'",
        needs="filesystem_allowlist",
    ),
    _a(
        "create a user namespace (kernel attack surface)",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "return 'ESCAPED' if libc.unshare(0x10000000) == 0 else 'denied'",
        needs="seccomp",
    ),
    _a(
        "read the project tree",
        "open(args['project_file']).read()\nreturn 'ESCAPED'",
        needs="hidden_host_paths",
    ),
    _a(
        "list another session's socket directory",
        "import os\nif os.listdir(args['socket_root']):\n    return 'ESCAPED'\nreturn 'empty'",
        needs="private_tmp",
    ),
    _a(
        "write outside the sandbox's tmp",
        "for path in args['outside']:\n    try:\n        open(path, 'w').write('x')\n"
        "        return 'ESCAPED'\n    except OSError:\n        pass\n"
        "open('/tmp/' + args['marker'], 'w').write('x')\nreturn 'wrote tmp'",
    ),
]
ABUSE = [
    _a("fork bomb", "import os\nwhile True:\n    os.fork()"),
    _a("memory bomb", "hog = []\nwhile True:\n    hog.append(' ' * 10000000)"),
    _a("infinite loop", "while True:\n    pass"),
    _a(
        "huge printed output",
        "for i in range(100000):\n    print('spam', i)\nreturn 'done'",
        allowed_kinds=frozenset({"ok"}),
    ),
    _a("huge result", "return 'x' * (8 * 1024 * 1024)"),
    _a(
        "spawn many processes",
        "import subprocess\nprocs = [subprocess.Popen(['/bin/sleep', '5']) for i in range(40)]\n"
        "return 'ESCAPED'",
    ),
    _a("signal the runner", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
    _a(
        "signal the host",
        "import os, signal\nos.kill(args['host_pid'], signal.SIGUSR1)\nreturn 'ESCAPED'",
        needs="pid_namespace",
    ),
]
IMPORTS = [
    _a(f"import {m}", f"import {m}\nreturn 'ESCAPED'", restricted_only=True)
    for m in ("os", "subprocess", "ctypes", "sys", "socket", "importlib", "builtins")
]
INTROSPECTION = [
    _a("__import__ by name", "return __import__('os')", restricted_only=True),
    _a("__subclasses__", "return ().__class__.__bases__[0].__subclasses__()", restricted_only=True),
    _a(
        "generator frames",
        "g = (i for i in [1])\nreturn g.gi_frame.f_back.f_globals",
        restricted_only=True,
    ),
    _a("__globals__", "return attack.__globals__", restricted_only=True),
    _a(
        "getattr with a built name",
        "return getattr(attack, '__glo' + 'bals__')",
        restricted_only=True,
    ),
    _a(
        "traceback frames",
        "try:\n    1 / 0\nexcept Exception as e:\n    return e.__traceback__",
        restricted_only=True,
    ),
    _a(
        "format string attribute walk",
        "return '{0.__class__.__mro__}'.format(1)",
        restricted_only=True,
    ),
    _a("format_map", "return '{x.__class__}'.format_map({'x': 1})", restricted_only=True),
    _a(
        "string.Formatter",
        "import string\nreturn string.Formatter().format('{0.__class__}', 1)",
        restricted_only=True,
    ),
    _a(
        "module views hide submodules",
        "import statistics\nreturn statistics.sys.modules['os']",
        restricted_only=True,
    ),
    _a("globals()", "return globals()['__builtins__']", restricted_only=True),
    _a("type() to build classes", "return type('X', (), {})", restricted_only=True),
    _a("open()", "return open('/etc/hostname').read()", restricted_only=True),
]
ALL = NETWORK + FILES + ABUSE + IMPORTS + INTROSPECTION
