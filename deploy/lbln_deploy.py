"""Run the Lower Back Lump Navigator for a ward or classroom network: nginx with TLS in front of two
Streamlit processes that listen on loopback only.

    python deploy/lbln_deploy.py serve [--server-name NAME] [--https-port 8443] [--cert C --key K] [--login off]
    python deploy/lbln_deploy.py render --out DIR ...   # write the nginx files for a production install
    python deploy/lbln_deploy.py cert --out DIR --name NAME  # a self-signed certificate (tests, trials)

`make serve` calls `serve`; tests/deploy uses the same functions, so what is tested is what runs.
Everything runs in the foreground; Ctrl-C (or SIGTERM) stops nginx and both Streamlit processes.
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


def nginx_binary() -> str | None:
    """Debian's nginx, if installed (it lives in /usr/sbin, often not on a user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


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


def streamlit_env(s: Settings, cookie_secret: str) -> dict[str, str]:
    env = dict(os.environ)
    # Both processes sign cookies (XSRF) with one secret, so either can check the other's.
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", cookie_secret)
    env[LOGIN_ENV] = "required" if s.login else "off"
    return env


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


@dataclass
class Deployment:
    settings: Settings
    nginx_conf: Path
    streamlit: list[subprocess.Popen[bytes]]
    nginx: subprocess.Popen[bytes] | None = None

    def stop(self) -> None:
        """Stop nginx and both Streamlit processes (each by its own pid), waiting for each."""
        procs = ([self.nginx] if self.nginx else []) + self.streamlit
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)


def start(s: Settings, nginx: str, *, startup_s: float = 60) -> Deployment:
    """Start two Streamlit processes and nginx; return once nginx answers a health check over TLS."""
    conf = write_nginx_config(s)
    subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-e", str(s.log_dir / "error.log")], check=True, capture_output=True)
    cookie_secret = secrets.token_hex(32)
    env = streamlit_env(s, cookie_secret)
    dep = Deployment(s, conf, [])
    try:
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
    s = _settings_from_args(args)
    dep = start(s, nginx)
    print(f"Serving {s.url}/ (nginx {s.listen}:{s.https_port} -> Streamlit 127.0.0.1:{s.backends[0]}, {s.backends[1]}); "
          f"login {'required' if s.login else 'OFF'}; logs in {s.log_dir}. Ctrl-C stops.", flush=True)
    stop = False

    def _stop(_sig: int, _frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stop and all(proc.poll() is None for proc in [*dep.streamlit, dep.nginx] if proc):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        dep.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
