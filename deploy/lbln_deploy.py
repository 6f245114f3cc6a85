"""Run the Lower Back Lump Navigator for a ward or classroom network: nginx with TLS in front of two
Streamlit processes that listen on loopback only, and a private Redis they share for live class sessions.

    python deploy/lbln_deploy.py serve [--server-name NAME] [--https-port 8443] [--cert C --key K] [--login off]
    python deploy/lbln_deploy.py render --out DIR ...   # write the nginx files for a production install
    python deploy/lbln_deploy.py cert --out DIR --name NAME  # a self-signed certificate (tests, trials)

`make serve` calls `serve`; tests/deploy uses the same functions, so what is tested is what runs.
Everything runs in the foreground; Ctrl-C (or SIGTERM) stops nginx, both Streamlit processes and Redis.

Live class sessions (classroom/store.py) live in the store LBLN_CLASS_STORE names. With two processes
behind a sticky proxy, a teacher and a student may land on different processes, so both must use one
Redis: unless LBLN_CLASS_STORE is already set (then it is passed through unchanged), `serve` starts
Debian's redis-server on 127.0.0.1 and a free port, in memory only, with a random password, and
stops it with the rest. The password reaches Redis on its standard input and the Streamlit processes in
their environment; it is never printed, logged or put on a command line.
Standard library only, so it runs from any Python 3.11 with the project's venv for Streamlit.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
SITE_TEMPLATE = DEPLOY / "nginx" / "lbln-site.conf.template"
MAIN_TEMPLATE = DEPLOY / "nginx" / "nginx-main.conf.template"
PLACEHOLDER = re.compile(r"@([A-Z0-9_]+)@")
LOGIN_ENV = "LBLN_LOGIN"
"""dashboard/app.py asks for a login when this is "required"; unset or "off" keeps the app as on a laptop."""
STORE_ENV = "LBLN_CLASS_STORE"
"""classroom/store.py's setting: unset, each process keeps its own classes; redis://... one shared store."""
STORE_SCHEMES = ("redis://", "rediss://", "unix://")
"""What classroom.store.open_store accepts in LBLN_CLASS_STORE."""
REDIS_SERVER = "/usr/bin/redis-server"
REDIS_HOST = "127.0.0.1"
REDIS_START_S = 10.0
REDIS_MISSING = (
    "Live class sessions need one Redis shared by both Streamlit processes, and redis-server is not installed.\n"
    "Install it (Debian: apt-get install redis-server; make serve starts its own private copy, on loopback,\n"
    "in memory only, with a random password, and stops it with the rest), or point LBLN_CLASS_STORE at an\n"
    "existing Redis: LBLN_CLASS_STORE=redis://:PASSWORD@HOST:6379/0 make serve (deploy/README.md)."
)


def nginx_binary() -> str | None:
    """Debian's nginx, if installed (it lives in /usr/sbin, often not on a user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


def redis_server_binary() -> str | None:
    """Debian's redis-server, if installed."""
    found = shutil.which("redis-server")
    if found:
        return found
    return REDIS_SERVER if Path(REDIS_SERVER).exists() else None


def class_store_from_env(environ: Mapping[str, str] | None = None) -> str:
    """LBLN_CLASS_STORE as the environment sets it ("" when unset or blank: then `serve` starts a Redis)."""
    env = os.environ if environ is None else environ
    return env.get(STORE_ENV, "").strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def render(template: Path, values: Mapping[str, object]) -> str:
    """The template with every @NAME@ replaced; a placeholder without a value is an error, not a blank."""
    text = template.read_text(encoding="utf-8")
    missing = sorted(set(PLACEHOLDER.findall(text)) - set(values))
    if missing:
        raise KeyError(f"{template.name}: no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


@dataclass
class Settings:
    """One deployment: where nginx listens, which Streamlit ports it forwards to, where files go."""

    run_dir: Path
    cert: Path
    key: Path
    server_name: str = "localhost"
    listen: str = "0.0.0.0"  # noqa: S104  (nginx is the part that faces the network, with TLS)
    https_port: int = 8443
    http_port: int = 8080
    backends: tuple[int, int] = (8601, 8602)
    conn_per_client: int = 32
    workers: int = 2
    login: bool = True
    secrets_file: Path | None = None
    allowed_hosts: tuple[str, ...] = ()
    log_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_dir = self.run_dir / "log"

    @property
    def url(self) -> str:
        return f"https://{self.server_name}:{self.https_port}"


def write_nginx_config(s: Settings) -> Path:
    """Render the site and main files into the run directory; returns the main file for `nginx -c`."""
    for sub in ("log", "tmp"):
        (s.run_dir / sub).mkdir(parents=True, exist_ok=True)
    site = s.run_dir / "lbln-site.conf"
    site.write_text(
        render(
            SITE_TEMPLATE,
            {
                "BACKEND_1": s.backends[0],
                "BACKEND_2": s.backends[1],
                "LISTEN": s.listen,
                "HTTP_PORT": s.http_port,
                "HTTPS_PORT": s.https_port,
                "SERVER_NAME": s.server_name,
                "CERT": s.cert,
                "KEY": s.key,
                "LOG_DIR": s.log_dir,
                "CONN_PER_CLIENT": s.conn_per_client,
            },
        ),
        encoding="utf-8",
    )
    # As root, nginx would start its workers as `nobody`, who cannot write the run directory.
    user_line = "user root;" if os.geteuid() == 0 else "# user: nginx runs as the calling user"
    main = s.run_dir / "nginx.conf"
    main.write_text(
        render(
            MAIN_TEMPLATE,
            {"USER_LINE": user_line, "WORKERS": s.workers, "RUN_DIR": s.run_dir, "LOG_DIR": s.log_dir, "SITE_CONF": site},
        ),
        encoding="utf-8",
    )
    return main


def self_signed_cert(out_dir: Path, name: str) -> tuple[Path, Path]:
    """An ECDSA P-256 certificate for `name` and 127.0.0.1, valid 30 days (for tests and trials only)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cert, key = out_dir / "lbln-selfsigned.pem", out_dir / "lbln-selfsigned.key"
    san = f"DNS:{name},IP:127.0.0.1" if name != "127.0.0.1" else "IP:127.0.0.1"
    openssl = shutil.which("openssl") or "/usr/bin/openssl"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "30", "-subj", f"/CN={name}", "-addext", f"subjectAltName={san}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )
    key.chmod(0o600)
    return cert, key


def login_configured(secrets_file: Path | None) -> bool:
    """Whether the secrets file Streamlit will read has an [auth] section (st.login's configuration)."""
    path = secrets_file or ROOT / ".streamlit" / "secrets.toml"
    if not path.is_file():
        return False
    with path.open("rb") as f:
        return "auth" in tomllib.load(f)


def streamlit_command(port: int, s: Settings) -> list[str]:
    hosts = sorted({"localhost", "127.0.0.1", s.server_name, *s.allowed_hosts})
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]
    for host in hosts:
        cmd += ["--server.allowedHosts", host]
    if s.secrets_file is not None:
        cmd += ["--secrets.files", str(s.secrets_file)]
    return cmd


def streamlit_env(s: Settings, cookie_secret: str, class_store: str | None = None) -> dict[str, str]:
    """Both processes' environment. `class_store`: the Redis `start` runs (None: LBLN_CLASS_STORE as it is)."""
    env = dict(os.environ)
    # Both processes sign cookies (XSRF) with one secret, so either can check the other's.
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", cookie_secret)
    env[LOGIN_ENV] = "required" if s.login else "off"
    if class_store is not None:
        env[STORE_ENV] = class_store
    return env


def _resp(*args: str) -> bytes:
    """One command in Redis's wire format (RESP), so that any byte of an argument is sent as it is."""
    out = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def redis_ping(port: int, password: str | None, timeout_s: float = 1.0, host: str = REDIS_HOST) -> bytes:
    """Redis's raw replies to (AUTH password and) PING on one connection, e.g. b"+OK\r\n+PONG\r\n"."""
    request = (_resp("AUTH", password) if password is not None else b"") + _resp("PING")
    wanted = 2 if password is not None else 1
    with socket.create_connection((host, port), timeout=timeout_s) as sock:
        sock.sendall(request)
        data = b""
        while data.count(b"\r\n") < wanted:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return data


def start_redis(s: Settings, binary: str, port: int, password: str) -> subprocess.Popen[bytes]:
    """Debian's redis-server on 127.0.0.1:`port`, in memory only (no RDB, no AOF), protected mode,
    logging to the run directory's log folder. The password is written to its standard input
    (`redis-server -` reads configuration from there), so no command line or file holds it."""
    work = s.run_dir / "redis"  # its working directory; with no persistence nothing is written there
    work.mkdir(mode=0o700, parents=True, exist_ok=True)
    s.log_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        binary, "-",
        "--bind", REDIS_HOST,
        "--port", str(port),
        "--protected-mode", "yes",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(work),
        "--logfile", str(s.log_dir / "redis.log"),
        "--daemonize", "no",
    ]
    proc = subprocess.Popen(cmd, cwd=work, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None
    try:
        proc.stdin.write(f"requirepass {password}\n".encode())
        proc.stdin.close()  # end of the configuration: Redis starts now
    except BrokenPipeError:
        pass  # it exited at once; wait_redis says so
    return proc


def wait_redis(port: int, password: str, timeout_s: float, proc: subprocess.Popen[bytes]) -> None:
    """Wait until Redis answers PING after AUTH, or fail with the reason (never with the password)."""
    deadline = time.monotonic() + timeout_s
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with {proc.returncode} (see redis.log in the log folder)")
        try:
            reply = redis_ping(port, password)
            if reply == b"+OK\r\n+PONG\r\n":
                return
            last = reply.split(b"\r\n", 1)[0].decode(errors="replace")
        except OSError as err:
            last = str(err)
        time.sleep(0.05)
    raise TimeoutError(f"Redis on {REDIS_HOST}:{port} did not answer PING within {timeout_s} s ({last})")


def wait_http_ok(url: str, timeout_s: float, proc: subprocess.Popen[bytes] | None = None, *, tls: bool = False) -> None:
    """Wait until `url` answers 200 (a health check), or fail with the reason."""
    ctx = ssl.create_default_context()
    if tls:  # our own self-signed certificate in tests and trials
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + timeout_s
    last = ""
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=ctx if tls else None) as r:  # noqa: S310 (loopback)
                if r.status == 200:
                    return
        except OSError as err:
            last = str(err)
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout_s} s ({last})")


def _terminate(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each (by its own pid), then wait for each; kill one that takes longer than 10 s."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)


@dataclass
class Deployment:
    settings: Settings
    nginx_conf: Path
    streamlit: list[subprocess.Popen[bytes]]
    nginx: subprocess.Popen[bytes] | None = None
    redis: subprocess.Popen[bytes] | None = None
    """The Redis `start` runs for class sessions (None when LBLN_CLASS_STORE was set, or before it starts)."""
    redis_port: int | None = None
    class_store: str = field(default="", repr=False)
    """LBLN_CLASS_STORE as both Streamlit processes have it (holds the password: never print it)."""

    def processes(self) -> dict[str, subprocess.Popen[bytes]]:
        """Every process of the deployment that has been started, by a name for messages."""
        procs = {f"Streamlit 127.0.0.1:{port}": p for port, p in zip(self.settings.backends, self.streamlit, strict=False)}
        if self.nginx is not None:
            procs["nginx"] = self.nginx
        if self.redis is not None:
            procs[f"redis-server {REDIS_HOST}:{self.redis_port}"] = self.redis
        return procs

    def stop(self) -> None:
        """Stop nginx and both Streamlit processes, then Redis (last: the app uses it until it stops)."""
        _terminate(([self.nginx] if self.nginx else []) + self.streamlit)
        if self.redis is not None:
            _terminate([self.redis])

    def class_store_line(self) -> str:
        """What `serve` prints about the class store (never the URL: it may hold a password)."""
        if self.redis is not None:
            return f"class store: Redis on {REDIS_HOST}:{self.redis_port} (started by make serve)"
        return f"class store: {STORE_ENV} from the environment, passed through unchanged"


def start(s: Settings, nginx: str, *, startup_s: float = 60) -> Deployment:
    """Start Redis (unless LBLN_CLASS_STORE is set), two Streamlit processes and nginx; return once nginx
    answers a health check over TLS. On any failure everything started so far is stopped."""
    conf = write_nginx_config(s)
    subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-e", str(s.log_dir / "error.log")], check=True, capture_output=True)
    cookie_secret = secrets.token_hex(32)
    dep = Deployment(s, conf, [])
    try:
        existing = class_store_from_env()
        if existing:
            dep.class_store = existing
            env = streamlit_env(s, cookie_secret)
        else:
            binary = redis_server_binary()
            if binary is None:
                raise RuntimeError(REDIS_MISSING)
            password = secrets.token_urlsafe(32)  # URL-safe: it goes into the redis:// URL as it is
            dep.redis_port = free_port()
            dep.redis = start_redis(s, binary, dep.redis_port, password)
            wait_redis(dep.redis_port, password, REDIS_START_S, dep.redis)
            # classroom/store.py hands this to redis.Redis.from_url: password only (Redis's default user), db 0.
            dep.class_store = f"redis://:{password}@{REDIS_HOST}:{dep.redis_port}/0"
            env = streamlit_env(s, cookie_secret, dep.class_store)
        for i, port in enumerate(s.backends, start=1):
            with (s.log_dir / f"streamlit-{i}.log").open("wb") as log:
                dep.streamlit.append(subprocess.Popen(streamlit_command(port, s), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        for port, proc in zip(s.backends, dep.streamlit, strict=True):
            wait_http_ok(f"http://127.0.0.1:{port}/_stcore/health", startup_s, proc)
        with (s.log_dir / "nginx.stderr").open("wb") as err:
            dep.nginx = subprocess.Popen([nginx, "-c", str(conf), "-e", str(s.log_dir / "error.log")], stdout=subprocess.DEVNULL, stderr=err)
        local = "127.0.0.1" if s.listen in ("0.0.0.0", "127.0.0.1") else s.listen  # noqa: S104
        wait_http_ok(f"https://{local}:{s.https_port}/_stcore/health", 15, dep.nginx, tls=True)
    except BaseException:
        dep.stop()
        raise
    return dep


# region Command line


def _settings_from_args(args: argparse.Namespace) -> Settings:
    run_dir = Path(args.run_dir).resolve()
    run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if args.cert:
        cert, key = Path(args.cert).resolve(), Path(args.key).resolve()
    else:
        cert, key = self_signed_cert(run_dir / "tls", args.server_name)
        print(f"No --cert given: using a new self-signed certificate in {cert.parent} (browsers will warn).")
    return Settings(
        run_dir=run_dir,
        cert=cert,
        key=key,
        server_name=args.server_name,
        listen=args.listen,
        https_port=args.https_port,
        http_port=args.http_port,
        backends=(args.backend_ports[0], args.backend_ports[1]),
        conn_per_client=args.conn_per_client,
        login=args.login == "required",
        secrets_file=Path(args.secrets).resolve() if args.secrets else None,
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["serve", "render", "cert"])
    p.add_argument("--server-name", default=socket.getfqdn(), help="the host name users type (default: this machine's)")
    p.add_argument("--listen", default="0.0.0.0", help="address nginx listens on (default: every interface)")  # noqa: S104
    p.add_argument("--https-port", type=int, default=8443)
    p.add_argument("--http-port", type=int, default=8080, help="plain HTTP, only redirects to HTTPS")
    p.add_argument("--backend-ports", type=int, nargs=2, default=[8601, 8602])
    p.add_argument("--conn-per-client", type=int, default=32)
    p.add_argument("--cert", help="PEM certificate (chain) for --server-name; default: a new self-signed one")
    p.add_argument("--key", help="its private key")
    p.add_argument("--login", choices=["required", "off"], default="required", help="ask for the hospital login (default)")
    p.add_argument("--secrets", help="secrets.toml with the [auth] section (default: .streamlit/secrets.toml)")
    p.add_argument("--run-dir", default=str(Path(tempfile.gettempdir()) / f"lbln-deploy-{os.getuid()}"), help="logs, rendered config, temp files")
    p.add_argument("--out", help="cert/render: output directory")
    args = p.parse_args(argv)
    if bool(args.cert) != bool(args.key):
        p.error("--cert and --key go together")
    if args.command == "cert":
        cert, key = self_signed_cert(Path(args.out or args.run_dir), args.server_name)
        print(f"{cert}\n{key}")
        return 0
    if args.command == "render":
        if args.out:
            args.run_dir = args.out
        conf = write_nginx_config(_settings_from_args(args))
        print(f"wrote {conf.parent / 'lbln-site.conf'} and {conf}")
        return 0
    if args.login == "required" and not login_configured(Path(args.secrets) if args.secrets else None):
        print(
            "Login is required for a network deployment, but the secrets file has no [auth] section.\n"
            "Configure the hospital's identity provider (deploy/README.md, 'Login'), or run a trial without\n"
            "login with --login off (make serve LOGIN=off).",
            file=sys.stderr,
        )
        return 2
    nginx = nginx_binary()
    if nginx is None:
        print("nginx is not installed (Debian: apt-get install nginx).", file=sys.stderr)
        return 2
    store = class_store_from_env()
    if store and not store.startswith(STORE_SCHEMES):
        scheme = store.split("://", 1)[0] + "://" if "://" in store else "a value without a scheme"
        print(f"{STORE_ENV} is set but not understood ({scheme}): unset it (make serve starts its own Redis) "
              "or give redis://:PASSWORD@HOST:6379/0.", file=sys.stderr)
        return 2
    if not store and redis_server_binary() is None:
        print(REDIS_MISSING, file=sys.stderr)
        return 2
    s = _settings_from_args(args)

    def _stop(_sig: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the cleanup below must not be interrupted
        raise KeyboardInterrupt

    # Installed before anything starts, so that a SIGTERM during start-up also stops what has started.
    signal.signal(signal.SIGTERM, _stop)
    try:
        dep = start(s, nginx)
    except KeyboardInterrupt:
        return 0
    print(f"Serving {s.url}/ (nginx {s.listen}:{s.https_port} -> Streamlit 127.0.0.1:{s.backends[0]}, {s.backends[1]}); "
          f"login {'required' if s.login else 'OFF'}; logs in {s.log_dir}. Ctrl-C stops.", flush=True)
    print(dep.class_store_line(), flush=True)
    status = 0
    try:
        while True:
            exited = {name: p for name, p in dep.processes().items() if p.poll() is not None}
            if exited:
                names = ", ".join(f"{name} (exit {p.returncode})" for name, p in exited.items())
                print(f"Stopping: {names} exited.", file=sys.stderr, flush=True)
                status = 1
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        dep.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
