"""Several hosts: two app servers behind a load balancer, one PostgreSQL, Redis, an S3 bucket and
two task workers — started, checked and torn down on this machine (issue 20, item 4).

    python3 benchmarks/multihost.py [--voters 400] [--spread 5] [--clients 100] [--keep] [--json FILE]

(as root on Debian or Ubuntu; about 3–4 minutes, plus the installs the first time)

One command from a clean checkout. What it needs and does not find, it sets up first:

- Python packages (django-storages, boto3, redis, moto's S3 server, aiosmtpd): when the running
  Python lacks one, a virtual environment ``var/venv-multihost`` is made
  (``pip install -e '.[s3]' redis 'moto[server]' aiosmtpd``) and the script starts again in it
  (``--venv PATH`` to choose another place);
- Debian packages (nginx, redis-server, postgresql): installed with apt-get when running as root
  (``--no-install`` to refuse);
- PostgreSQL: when DATABASE_URL is not a postgres:// address, the script runs again inside a
  throwaway cluster (scripts/pg-throwaway.sh).

Then, all on 127.0.0.1 and free ports, in a temporary directory removed at the end:
redis-server (no persistence, ``noeviction``); moto's S3 server with a private bucket; an SMTP
sink in this process; ``concertation migrate``; a small territory (a members-only assembly of
--voters people with an open proposal, a council of 40 with a meeting in preparation, a
coordinator who signs in with a password); two ``concertation serve`` instances (« hosts » A and
B, 2 gunicorn workers each, each with its own CONCERTATION_DATA_DIR: no shared local disk); nginx
in front (round robin, its configuration in the temporary directory); two ``concertation worker``
processes, one per host. Every instance gets the same DATABASE_URL, REDIS_URL, S3_* and
SECRET_KEY, as several machines would.

The checks, each printed PASS or FAIL with its figures:

1. session — a person signs in through the balancer; the session is valid on A and on B.
2. sign-in limits — 5 wrong passwords sent alternately to A and B, then the right password on the
   other instance: refused (the counters are shared in Redis).
2b. sign-in limits per client — 6 wrong sign-ins through the balancer from 127.0.0.4, then the right
   password from 127.0.0.5: accepted (TRUSTED_PROXY_COUNT=1: the address is read from
   X-Forwarded-For, not nginx's own).
3. write/read — 20 agenda items, each written through one instance and read at once through the
   other.
4. file — a document uploaded through A is downloaded through B, byte for byte; it is in the bucket
   and on neither host's disk.
5. notice — a meeting convened through the balancer, and the same delivery task of its notifications
   enqueued 3 more times: both workers run them, each member receives the notice exactly once.
6. voting burst — --voters people vote within --spread seconds through the balancer: 0 lost,
   0 duplicated, 0 errors (latency figures as in vote_burst.py).
7. instance killed — 200 people vote through the balancer while instance A is killed (SIGKILL of
   its master and workers) mid-load; a vote that got no answer is sent again once, as a person
   would: every accepted vote stored, 0 lost, 0 duplicated.

Exit status 0 when every check passes. Figures are indicative: one machine plays every host.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html.parser
import http.client
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

try:
    from benchmarks import common, vote_burst
except ImportError:  # run as a script: benchmarks/ is on sys.path
    import common
    import vote_burst

ROOT = common.ROOT
PYTHON_NEEDS = {"storages": "django-storages[s3]", "boto3": "boto3", "redis": "redis", "moto": "moto[server]",
                "aiosmtpd": "aiosmtpd"}
DEFAULT_VENV = common.VAR / "venv-multihost"
DEBIAN_NEEDS = {"nginx": "nginx", "redis-server": "redis-server"}
BUCKET = "concertation-multihost"
PASSWORD = "banc-plusieurs-hotes-2026"
SECRET_KEY = "multihost-benchmark-only-secret-key-never-used-in-production-0123456789"
COUNCIL_SIZE = 40
KILL_VOTERS = 200
WRITE_READS = 20
DUPLICATE_TASKS = 3


def say(text: str) -> None:
    print(f"multihost: {text}", flush=True)


# -- what the machine needs ------------------------------------------------------------------------


def missing_python() -> list[str]:
    return [package for module, package in PYTHON_NEEDS.items() if importlib.util.find_spec(module) is None]


def ensure_python(args, argv: list[str]) -> None:
    """Start again in a virtual environment that has the extras, made when needed."""
    missing = missing_python()
    if not missing:
        return
    venv = Path(args.venv or DEFAULT_VENV).resolve()
    python = venv / "bin" / "python"
    if Path(sys.prefix).resolve() == venv:
        raise SystemExit(f"multihost: {venv} still lacks {', '.join(missing)}: remove it and run again")
    if not python.exists():
        say(f"this Python lacks {', '.join(missing)}: making {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    say(f"installing concertation[s3] and {', '.join(PYTHON_NEEDS.values())} into {venv}")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", f"{ROOT}[s3]", *PYTHON_NEEDS.values()],
                   check=True)
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *argv])


def ensure_debian(args) -> None:
    needed = [package for binary, package in DEBIAN_NEEDS.items() if not find_binary(binary)]
    if not pg_bindir():
        needed.append("postgresql")
    if not needed:
        return
    if args.no_install or os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(f"multihost: install {' '.join(needed)} (apt-get install {' '.join(needed)}), "
                         "or run as root without --no-install")
    say(f"apt-get install {' '.join(needed)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *needed], check=True, env=env, stdout=subprocess.DEVNULL)


def find_binary(name: str) -> str | None:
    return shutil.which(name) or next((str(Path(d) / name) for d in ("/usr/sbin", "/sbin", "/usr/bin")
                                       if (Path(d) / name).exists()), None)


def pg_bindir() -> str | None:
    result = subprocess.run(["bash", str(ROOT / "scripts" / "pg-throwaway.sh"), "--find-bindir"],
                            capture_output=True, text=True, check=False)
    return result.stdout.strip() or None


# -- processes -------------------------------------------------------------------------------------


class Process:
    """A process of ours, in a process group of its own (so that it is stopped with its children)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT):
        self.name, self.argv, self.env, self.log_path, self.cwd = name, argv, env, log, cwd
        self.process: subprocess.Popen | None = None

    def start(self) -> Process:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group: a machine that stops at once."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        # Children left in the group (a gunicorn worker whose master went first).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_until(what: str, probe, timeout: float, process: Process | None = None, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and not process.alive():
            raise RuntimeError(f"{what}: {process.name} stopped (log {process.log_path}):\n{process.tail()}")
        try:
            value = probe()
        except Exception:  # noqa: BLE001 — not ready yet
            value = None
        if value:
            return value
        time.sleep(every)
    raise RuntimeError(f"{what}: not ready within {timeout:.0f} s"
                       + (f" (log {process.log_path}):\n{process.tail()}" if process else ""))


def http_ok(port: int, path: str = "/healthz") -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    finally:
        connection.close()


# -- an HTTP client with cookies ------------------------------------------------------------------


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name.lower()), "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One browser: its cookies, sent to whichever port it is pointed at (the balancer, A or B)."""

    def __init__(self, source: str | None = None):
        self.cookies: dict[str, str] = {}
        self.source = source

    def request(self, port: int, method: str, path: str, body: bytes | None = None,
                content_type: str = "", timeout: float = 35) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                                source_address=(self.source, 0) if self.source else None)
        headers = {"Host": f"127.0.0.1:{port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            result = Response(response.status, response.getheaders(), response.read())
        finally:
            connection.close()
        for key, value in result.headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if cookie_value in ("", '""') or "max-age=0" in value.lower():
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie_value
        return result

    def get(self, port: int, path: str) -> Response:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, fields: dict, files: dict | None = None) -> Response:
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request(port, "POST", path, body, content_type)


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Forms(html.parser.HTMLParser):
    """Every form of a page with the values a browser would send by default."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = {"action": a.get("action") or "", "fields": {}, "files": []}
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        fields, name = self.current["fields"], a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self.current["files"].append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "reset", "image"):
                fields.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select:
            if self.select not in fields or "selected" in a:
                fields[self.select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            fields[name] = ""

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            self.current["fields"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_with(page: str, field: str) -> dict:
    reader = Forms()
    reader.feed(page)
    for form in reader.forms:
        if field in form["fields"] or field in form["files"]:
            return form
    raise RuntimeError(f"no form with a {field!r} field on the page")


# -- an SMTP server that counts -------------------------------------------------------------------


class MailSink:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[tuple[tuple[str, ...], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        import email

        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append((tuple(r.lower() for r in envelope.rcpt_tos), str(message.get("Subject", ""))))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


# -- the stack -------------------------------------------------------------------------------------


class Stack:
    """Everything the run started, stopped in reverse order whatever happens."""

    def __init__(self, args):
        self.args = args
        self.dir = Path(tempfile.mkdtemp(prefix="concertation-multihost-"))
        self.dir.chmod(0o755)  # nginx's workers (nobody) read and write their temporary folders under it
        self.exit = contextlib.ExitStack()
        self.hosts: dict[str, Process] = {}
        self.ports: dict[str, int] = {}
        self.workers: dict[str, Process] = {}
        self.env: dict[str, str] = {}

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc) -> None:
        self.exit.close()
        if self.args.keep:
            say(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def process(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Process:
        process = Process(name, argv, {**os.environ, **(env or self.env)}, self.dir / f"{name}.log").start()
        self.exit.callback(process.stop)
        return process

    def start(self) -> None:
        database_url = os.environ["DATABASE_URL"]
        # Redis: no disk, never evicts a counter.
        redis_port = common.free_port()
        redis = self.process("redis", [find_binary("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1",
                                       "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction",
                                       "--dir", str(self.dir)], env={})
        wait_until("redis", lambda: _redis_ping(redis_port), 20, redis)
        # S3: moto's server, a private bucket.
        s3_port = common.free_port()
        moto = self.process("s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], env={})
        endpoint = f"http://127.0.0.1:{s3_port}"
        wait_until("S3 server", lambda: http_ok(s3_port, "/moto-api/"), 60, moto)
        self.s3 = _s3_client(endpoint)
        self.s3.create_bucket(Bucket=BUCKET)
        # E-mail: an SMTP server in this process that counts what arrives.
        from aiosmtpd.controller import Controller

        self.mail = MailSink()
        smtp_port = common.free_port()
        controller = Controller(self.mail, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        self.exit.callback(controller.stop)

        self.balancer_port = common.free_port()
        src = str(ROOT / "src")
        self.env = {
            "DJANGO_SETTINGS_MODULE": "concertation.settings",
            "PYTHONPATH": os.pathsep.join(p for p in [src, os.environ.get("PYTHONPATH", "")] if p),
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": endpoint, "S3_REGION": "us-east-1",
            "S3_ADDRESSING_STYLE": "path", "S3_ACCESS_KEY_ID": "multihost", "S3_SECRET_ACCESS_KEY": "multihost",
            "SECRET_KEY": SECRET_KEY, "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SITE_URL": f"http://127.0.0.1:{self.balancer_port}",
            "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "STATIC_MANIFEST": "true",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "ACCOUNT_EMAIL_VERIFICATION": "mandatory",
            "LOG_LEVEL": "WARNING",
            # One proxy of ours (nginx) before the app: the client's address is the last one it adds
            # to X-Forwarded-For (the per-address sign-in limits).
            "TRUSTED_PROXY_COUNT": "1",
            # The data directory of the orchestrating process: its own, like each host's.
            "CONCERTATION_DATA_DIR": str(self.dir / "orchestrator"),
        }
        os.environ.update(self.env)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "concertation", "migrate", "--verbosity", "0"], cwd=ROOT,
                       env={**os.environ, **self.env}, check=True, timeout=600)
        say(f"migrated in {time.perf_counter() - started:.1f} s")

    def start_hosts(self) -> None:
        for name in ("A", "B"):
            port = common.free_port()
            env = {**self.env, "CONCERTATION_DATA_DIR": str(self.dir / f"host-{name}")}
            self.hosts[name] = self.process(f"host-{name}", [
                sys.executable, "-m", "concertation", "serve", "--workers", "2", "--bind", f"127.0.0.1:{port}"], env)
            self.ports[name] = port
        for name, process in self.hosts.items():
            wait_until(f"host {name}", lambda port=self.ports[name]: http_ok(port), 180, process)
        nginx_conf = self.nginx_conf()
        nginx = self.process("nginx", [find_binary("nginx"), "-p", str(self.dir / "nginx"), "-c", str(nginx_conf)],
                             env={})
        wait_until("nginx", lambda: http_ok(self.balancer_port), 20, nginx)
        for name in ("A", "B"):
            env = {**self.env, "CONCERTATION_DATA_DIR": str(self.dir / f"host-{name}")}
            self.workers[name] = self.process(f"worker-{name}", [
                sys.executable, "-m", "concertation", "worker", "--interval", "0.2"], env)
        time.sleep(1)
        for name, process in self.workers.items():
            if not process.alive():
                raise RuntimeError(f"worker {name} stopped at start:\n{process.tail()}")

    def nginx_conf(self) -> Path:
        base = self.dir / "nginx"
        for folder in ("logs", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (base / folder).mkdir(parents=True, exist_ok=True)
            (base / folder).chmod(0o777)
        upstreams = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=30s;"
                              for port in self.ports.values())
        conf = base / "nginx.conf"
        conf.write_text(f"""
daemon off;
worker_processes 1;
pid {base}/nginx.pid;
error_log {base}/logs/error.log warn;
events {{ worker_connections 2048; }}
http {{
    log_format balancer '$request_method $uri $status $upstream_addr $upstream_status';
    access_log {base}/logs/access.log balancer;
    client_body_temp_path {base}/client_body;
    proxy_temp_path {base}/proxy;
    fastcgi_temp_path {base}/fastcgi;
    uwsgi_temp_path {base}/uwsgi;
    scgi_temp_path {base}/scgi;
    client_max_body_size 11m;
    upstream concertation {{
{upstreams}
    }}
    server {{
        listen 127.0.0.1:{self.balancer_port};
        location / {{
            proxy_pass http://concertation;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            # A request is passed to the other host when this one cannot be reached; a POST already
            # sent is not sent twice (nginx's default for non-idempotent requests).
            proxy_next_upstream error timeout http_502 http_503;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
""")
        return conf

    def access_log(self) -> list[list[str]]:
        path = self.dir / "nginx" / "logs" / "access.log"
        try:
            return [line.split() for line in path.read_text().splitlines()]
        except OSError:
            return []


def _redis_ping(port: int) -> bool:
    import redis

    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=2).ping()


def _s3_client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="multihost", aws_secret_access_key="multihost")


# -- the data --------------------------------------------------------------------------------------


def build(voters: int) -> dict:
    """vote_burst's territory (a members-only assembly, its voters, an open proposal), and: a
    coordinator and a member who sign in with a password, a second open proposal, a council with a
    meeting in preparation."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from concertation.decisions import services as decisions
    from concertation.meetings.services import agenda as services_agenda
    from concertation.spaces.models import Membership, Space

    data = vote_burst.build(voters)
    User = get_user_model()
    coordinator = User.objects.get(email=common.COORDINATOR_EMAIL)
    member = data["people"][0]
    with transaction.atomic():
        for person in (coordinator, member):
            person.set_password(PASSWORD)
            person.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(user=person, email=person.email,
                                                  defaults={"verified": True, "primary": True})
        space = data["space"]
        second = decisions.proposal_create(space=space, author=coordinator, title="Adopter le plan des parcs",
                                           body="Second vote du banc d'essai à plusieurs hôtes.")
        second = decisions.proposal_open(proposal=second, by=coordinator,
                                         closes_at=timezone.now() + timedelta(days=1))
        college = Membership.objects.filter(space=space).first().college
        council = Space.objects.create(territory=space.territory, name="Conseil", slug="conseil", kind="assembly",
                                       visibility="members")
        today = timezone.localdate()
        council_people = data["people"][1:COUNCIL_SIZE + 1]
        Membership.objects.bulk_create([Membership(space=council, person=person, category="voting", college=college,
                                                   start=today - timedelta(days=10)) for person in council_people])
        starts = timezone.now().replace(second=0, microsecond=0) + timedelta(days=14)
        meeting = services_agenda.meeting_create(space=council, by=coordinator, title="Conseil de décembre",
                                                 starts_at=starts, ends_at=starts + timedelta(hours=2))
    # A new password ends the person's sessions: the member votes with a session made afterwards.
    data["sessions"].update(common.session_keys([member]))
    return {**data, "coordinator": coordinator, "member": member, "second": second, "council": council,
            "meeting": meeting, "council_people": council_people}


# -- the checks ------------------------------------------------------------------------------------


class Checks:
    def __init__(self, stack: Stack, data: dict, args):
        from django.conf import settings

        self.stack, self.data, self.args = stack, data, args
        self.results: list[dict] = []
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.balancer = stack.balancer_port
        self.a, self.b = stack.ports["A"], stack.ports["B"]
        territory = data["space"].territory.slug
        self.assembly_path = f"/t/{territory}/e/{data['space'].slug}/"
        meeting = data["meeting"]
        self.meeting_path = f"/t/{territory}/e/{data['council'].slug}/rencontres/{meeting.pk}/"

    def record(self, name: str, ok: bool, figures: str, **extra) -> None:
        self.results.append({"check": name, "pass": bool(ok), "figures": figures, **extra})
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {figures}", flush=True)

    def run(self, name: str, check) -> None:
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 — one check failing does not stop the others
            self.record(name, False, f"{exc.__class__.__name__}: {exc}")
        self.results[-1]["seconds"] = round(time.perf_counter() - started, 1)

    # 1
    def sign_in(self, client: Client, port: int, email: str, password: str) -> Response:
        page = client.get(port, "/compte/login/")
        form = form_with(page.text, "password")
        fields = {**form["fields"], "login": email, "password": password}
        return client.post(port, urllib.parse.urlsplit(form["action"]).path or "/compte/login/", fields)

    def session(self) -> None:
        self.coordinator = Client()
        answer = self.sign_in(self.coordinator, self.balancer, self.data["coordinator"].email, PASSWORD)
        signed_in = answer.status in (302, 303) and self.session_cookie in self.coordinator.cookies
        seen = {}
        for name, port in (("A", self.a), ("B", self.b), ("balancer", self.balancer)):
            page = self.coordinator.get(port, self.assembly_path)
            seen[name] = page.status == 200 and "/compte/login/" not in page.header("Location")
        anonymous = Client().get(self.a, self.assembly_path)
        refused = anonymous.status in (302, 303) and "/compte/login/" in anonymous.header("Location")
        self.record("1. session valid on both instances",
                    signed_in and all(seen.values()) and refused,
                    f"signed in through the balancer (answer {answer.status}); members-only page with that "
                    f"session: " + ", ".join(f"{k} {'200' if v else 'refused'}" for k, v in seen.items())
                    + f"; without it: {anonymous.status} to the sign-in page")

    # 2
    def sign_in_limits(self) -> None:
        client = Client(source="127.0.0.2")  # its own address: the per-address counter is its own too
        email = self.data["member"].email
        answers = []
        for attempt in range(5):
            port = self.a if attempt % 2 == 0 else self.b
            answers.append(self.sign_in(client, port, email, "wrong-password-123").status)
        right = self.sign_in(client, self.b, email, PASSWORD)
        refused = right.status == 200 and self.session_cookie not in client.cookies
        wrong_refused = all(status == 200 for status in answers)
        # Control: the same right password, for another account, from another address, is accepted.
        other = Client(source="127.0.0.3")
        control = self.sign_in(other, self.a, self.data["coordinator"].email, PASSWORD)
        control_ok = control.status in (302, 303) and self.session_cookie in other.cookies
        import redis

        keys = redis.Redis.from_url(self.stack.env["REDIS_URL"]).dbsize()
        self.record("2. sign-in limits shared", refused and wrong_refused and control_ok and keys > 0,
                    f"5 wrong passwords alternately on A and B (answers {answers}); the right password then on B: "
                    f"{'refused' if refused else 'ACCEPTED'} ({right.status}); another account from another "
                    f"address: {'signed in' if control_ok else 'refused'}; {keys} counters in Redis")

    # 2b
    def limits_per_client(self) -> None:
        """Behind the balancer every request comes from nginx's address: the per-address limit must
        count each client (X-Forwarded-For, TRUSTED_PROXY_COUNT), or 5 wrong passwords from anyone
        would lock everybody out."""
        attacker = Client(source="127.0.0.4")
        answers = [self.sign_in(attacker, self.balancer, f"inconnu{n}@{common.BENCH_DOMAIN}", "wrong-password-123")
                   .status for n in range(6)]
        person = Client(source="127.0.0.5")
        right = self.sign_in(person, self.balancer, self.data["coordinator"].email, PASSWORD)
        ok = right.status in (302, 303) and self.session_cookie in person.cookies
        self.record("2b. sign-in limits count each client behind the balancer", ok,
                    f"6 wrong sign-ins from 127.0.0.4 through the balancer (answers {answers}); then the right "
                    f"password from 127.0.0.5: {'signed in' if ok else 'REFUSED'} ({right.status}); "
                    f"TRUSTED_PROXY_COUNT={self.stack.env.get('TRUSTED_PROXY_COUNT', '')!r}")

    # 3
    def add_item(self, port: int, title: str, files: dict | None = None, extra: dict | None = None) -> Response:
        page = self.coordinator.get(port, self.meeting_path + "points/ajouter/")
        if page.status != 200:
            raise RuntimeError(f"agenda item form: {page.status}")
        form = form_with(page.text, "title")
        fields = {**form["fields"], "title": title, "minutes_allotted": "10", **(extra or {})}
        return self.coordinator.post(port, self.meeting_path + "points/ajouter/", fields, files)

    def write_read(self) -> None:
        seen, delays, statuses = 0, [], Counter()
        for n in range(WRITE_READS):
            write, read = (self.a, self.b) if n % 2 == 0 else (self.b, self.a)
            title = f"Point écrit par un hôte, lu par l'autre {n:02d} {uuid.uuid4().hex[:6]}"
            answer = self.add_item(write, title)
            statuses[answer.status] += 1
            written = time.perf_counter()
            page = self.coordinator.get(read, self.meeting_path)
            delays.append(time.perf_counter() - written)
            seen += page.status == 200 and (title in page.text or title.replace("'", "&#x27;") in page.text)
        ms = common.summary_ms(delays)
        self.record("3. write through one, read at once through the other", seen == WRITE_READS,
                    f"{seen}/{WRITE_READS} agenda items seen on the other instance on the first read "
                    f"(write answers {dict(statuses)}; read p50 {ms['median_ms']} ms, max {ms['max_ms']} ms)")

    # 4
    def file(self) -> None:
        content = b"%PDF-1.4\n% multihost\n" + os.urandom(200_000) + b"\n%%EOF\n"
        title = f"Document téléversé sur A {uuid.uuid4().hex[:6]}"
        answer = self.add_item(self.a, f"Point avec document {uuid.uuid4().hex[:6]}",
                               files={"document_file": ("budget-2027.pdf", content, "application/pdf")},
                               extra={"document_title": title, "document_url": ""})
        page = self.coordinator.get(self.b, self.meeting_path)
        # The agenda's documents live in the space's library (issue 15): the page links to the
        # document's page, whose version 1 is the file.
        library = self.meeting_path.split("rencontres/")[0] + "documents/"
        links = re.findall(re.escape(library) + r"(\d+)/", page.text)
        if answer.status not in (302, 303) or not links:
            raise RuntimeError(f"upload answered {answer.status}; {len(links)} document link on B's page")
        path = f"{library}{max(int(pk) for pk in links)}/v1/"
        download = self.coordinator.get(self.b, path)
        same = download.status == 200 and hashlib.sha256(download.body).digest() == hashlib.sha256(content).digest()
        stranger = Client().get(self.b, path)
        objects = [o["Key"] for o in self.stack.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        on_disk = [str(p) for name in ("A", "B") for p in (self.stack.dir / f"host-{name}" / "media").rglob("*")
                   if p.is_file()]
        ok = same and bool(objects) and not on_disk and stranger.status != 200
        self.record("4. file uploaded through A, downloaded through B", ok,
                    f"{len(content):,} bytes; ".replace(",", "\u202f") + f"download through B {download.status}, "
                    f"{'identical' if same else 'DIFFERENT'} (sha256), {download.header('Content-Type')}; "
                    f"{len(objects)} object(s) in the bucket, {len(on_disk)} file(s) on the hosts' disks; "
                    f"anonymous: {stranger.status}")

    # 5
    def notice(self) -> None:
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from concertation.meetings.selectors import notice_recipients
        from concertation.notifications.models import Delivery, Notification
        from concertation.notifications.tasks import deliver_notifications

        meeting = self.data["meeting"]
        # The e-mails of earlier events (the open proposal told to its 400 voters) go out first: only
        # the notice's e-mails and tasks are counted here.
        # (due ones only: a reminder before the vote closes waits for its day)
        def earlier_done():
            return not (DBTaskResult.objects.ready().exists() or DBTaskResult.objects.filter(status="RUNNING").exists())

        wait_until("the earlier tasks", earlier_done, 240, every=0.5)
        time.sleep(0.5)
        before = self.stack.mail.count()
        since = timezone.now()
        started = time.perf_counter()
        answer = self.coordinator.post(self.balancer, self.meeting_path + "convoquer/", {})
        meeting.refresh_from_db()
        recipients = {person.email.lower() for person in notice_recipients(meeting)}
        notices = Notification.objects.filter(event="meetings.convened", context__meeting_id=meeting.pk)
        ids = list(notices.values_list("pk", flat=True))
        # The same delivery task again (a retried or doubled task): both workers run them side by side.
        for _ in range(DUPLICATE_TASKS):
            deliver_notifications.enqueue(ids)
        tasks = DBTaskResult.objects.filter(task_path__endswith="deliver_notifications", enqueued_at__gte=since)

        def done():
            return tasks.count() >= DUPLICATE_TASKS + 1 and not tasks.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists()

        wait_until("the notice tasks", done, 240, every=0.5)
        elapsed = time.perf_counter() - started
        time.sleep(0.5)
        with self.stack.mail.lock:
            received = self.stack.mail.messages[before:]
        per_person = Counter(rcpt for rcpts, _subject in received for rcpt in rcpts)
        twice = [email for email, n in per_person.items() if n > 1]
        missing = recipients - set(per_person)
        deliveries = Delivery.objects.filter(notification__in=ids, sent_at__isnull=False)
        statuses = Counter(tasks.values_list("status", flat=True))
        runners = Counter()
        for worker_ids in tasks.values_list("worker_ids", flat=True):
            for worker_id in worker_ids or []:
                runners[worker_id.split(":")[1] if ":" in worker_id else worker_id] += 1
        pids = {str(p.process.pid): name for name, p in self.stack.workers.items()}
        by_worker = {pids.get(pid, f"pid {pid}"): n for pid, n in runners.items()}
        ok = (answer.status in (302, 303) and recipients and not twice and not missing
              and len(received) == len(recipients) and deliveries.count() == len(recipients)
              and statuses.get("SUCCESSFUL", 0) == tasks.count())
        self.record("5. notice sent exactly once with two workers", ok,
                    f"{len(recipients)} members; {tasks.count()} delivery tasks ({dict(statuses)}) run by "
                    f"{by_worker}; {len(received)} e-mails received, {len(per_person)} distinct people, "
                    f"{len(twice)} twice, {len(missing)} missing; {deliveries.count()} Delivery rows sent; "
                    f"{elapsed:.1f} s from the convening to the last task")

    # 6
    def burst(self) -> None:
        report = self.vote(self.data["proposal"], self.data["people"], spread=self.args.spread, kill_at=None)
        self.record("6. voting burst through the balancer",
                    report["lost"] == 0 and report["duplicated"] == 0 and report["errors"] == 0,
                    f"{report['accepted']}/{report['voters']} votes accepted in {report['burst_s']} s; stored "
                    f"{report['stored']}; lost {report['lost']}, duplicated {report['duplicated']}, errors "
                    f"{report['errors']}{' ' + str(report['error_detail']) if report['errors'] else ''}; latency "
                    f"p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms, max {report['max_ms']} ms; "
                    f"served by {report['upstreams']}", figures_detail=report)

    # 7
    def kill(self) -> None:
        people = self.data["people"][-KILL_VOTERS:]
        spread = max(self.args.spread, 4.0)
        report = self.vote(self.data["second"], people, spread=spread, kill_at=spread * 0.4)
        healthy = http_ok(self.balancer)
        ok = report["lost"] == 0 and report["duplicated"] == 0 and report["unanswered"] == 0 and healthy \
            and not self.stack.hosts["A"].alive()
        self.record("7. instance A killed mid-load", ok,
                    f"{len(people)} votes over {spread:.0f} s, A killed (SIGKILL) at {report['killed_at_s']} s; "
                    f"{report['retried']} sent again after an error ({report['first_errors']}; "
                    f"{report['recorded_before_retry']} of them had been recorded before A died); "
                    f"{report['accepted']}/{report['voters']} accepted, stored {report['stored']}; lost "
                    f"{report['lost']}, duplicated {report['duplicated']}, without an answer "
                    f"{report['unanswered']}; served by {report['upstreams']}; balancer /healthz after: "
                    f"{'200' if healthy else 'FAILED'}", figures_detail=report)

    def vote(self, proposal, people, *, spread: float, kill_at: float | None) -> dict:
        import concurrent.futures
        import random

        from django.conf import settings
        from django.urls import reverse

        from concertation.decisions.models import Ballot, Participation

        kwargs = {"territory": vote_burst.TERRITORY_SLUG, "space": self.data["space"].slug, "pk": proposal.pk}
        vote_path = reverse("decisions:vote", kwargs=kwargs)
        page_path = vote_burst.proposal_page(kwargs, vote_path)
        names = {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME}
        voters = [vote_burst.Voter(person.pk, self.data["sessions"][person.pk]) for person in people]
        host = f"127.0.0.1:{self.balancer}"
        log_start = len(self.stack.access_log())
        deadline = time.perf_counter() + 300
        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda v: vote_burst.open_page(host, page_path, vote_path, v, names, deadline), voters))
        ready = [v for v in voters if v.form is not None and v.csrf]
        rng = random.Random(self.args.seed)
        start_at = time.perf_counter() + 0.5
        deadline = start_at + spread + 120
        schedule = sorted(((start_at + rng.uniform(0, spread), v) for v in ready), key=lambda item: item[0])
        first_errors, retried, recorded_before_retry = Counter(), 0, Counter()
        lock = threading.Lock()

        def cast(item):
            nonlocal retried
            at, voter = item
            vote_burst.cast(host, vote_path, voter, names, at, deadline)
            if vote_burst.accepted(voter) or kill_at is None:
                return
            # No answer, or the balancer's error: the person presses the button again.
            from django.db import connection

            try:  # had the host recorded it before it died? (the answer was lost, not the vote)
                recorded = Ballot.objects.filter(proposal=proposal, person_id=voter.person_id).exists()
            finally:
                connection.close()
            with lock:
                first_errors[voter.error or f"POST {voter.status}"] += 1
                retried += 1
                recorded_before_retry[recorded] += 1
            voter.error, voter.status, voter.location = "", 0, ""
            time.sleep(0.5)
            vote_burst.cast(host, vote_path, voter, names, time.perf_counter(), deadline)

        killed_at = None
        timer = None
        if kill_at is not None:
            def kill():
                nonlocal killed_at
                killed_at = round(time.perf_counter() - start_at, 2)
                self.stack.hosts["A"].kill()

            timer = threading.Timer(max(start_at + kill_at - time.perf_counter(), 0), kill)
            timer.start()
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.args.clients) as pool:
            list(pool.map(cast, schedule))
        burst_s = time.perf_counter() - start_at
        if timer is not None:
            timer.join()
        ballots = list(Ballot.objects.filter(proposal=proposal).values_list("voter_key", "person_id"))
        per_key = Counter(key for key, _ in ballots)
        participations = Counter(Participation.objects.filter(proposal=proposal).values_list("voter_key", flat=True))
        with_ballot = {person for _key, person in ballots}
        ok = [v for v in voters if vote_burst.accepted(v)]
        errors = Counter(v.error or f"POST {v.status}" for v in voters if not vote_burst.accepted(v))
        lat = common.summary_ms([v.latency_s for v in ok])
        upstreams = Counter(line[3] for line in self.stack.access_log()[log_start:]
                            if len(line) > 3 and line[0] == "POST" and line[1] == vote_path)
        ports = {str(port): name for name, port in self.stack.ports.items()}
        return {
            "voters": len(voters), "ready": len(ready), "accepted": len(ok), "stored": len(ballots),
            "lost": len([v for v in ok if v.person_id not in with_ballot]),
            "duplicated": sum(n - 1 for n in per_key.values() if n > 1)
            + sum(n - 1 for n in participations.values() if n > 1),
            "errors": sum(errors.values()), "error_detail": dict(errors), "unanswered": sum(errors.values()),
            "retried": retried, "first_errors": dict(first_errors), "killed_at_s": killed_at,
            "recorded_before_retry": recorded_before_retry[True],
            "burst_s": round(burst_s, 2), "p50_ms": lat["median_ms"], "p95_ms": lat["p95_ms"],
            "max_ms": lat["max_ms"],
            "upstreams": {", ".join(ports.get(a.rsplit(":", 1)[-1], a) for a in addr.split(", ")): n
                          for addr, n in upstreams.items()},
        }


# -- main ------------------------------------------------------------------------------------------


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=400, help="people in the voting burst (≥ 250)")
    parser.add_argument("--spread", type=float, default=5.0, help="seconds over which the burst's votes arrive")
    parser.add_argument("--clients", type=int, default=100, help="requests in flight at most")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--venv", help=f"where to make the virtual environment (default {DEFAULT_VENV})")
    parser.add_argument("--no-install", action="store_true", help="never run apt-get")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, nginx.conf)")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)
    args.voters = max(args.voters, KILL_VOTERS + COUNCIL_SIZE + 10)

    ensure_python(args, argv)
    ensure_debian(args)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        script = ROOT / "scripts" / "pg-throwaway.sh"
        return subprocess.run(["bash", str(script), sys.executable, str(Path(__file__).resolve()), *argv],
                              check=False, timeout=1800).returncode

    # SIGTERM unwinds like Ctrl+C: every process is stopped and the directory removed.
    signal.signal(signal.SIGTERM, interrupted)
    try:
        return run(args)
    except KeyboardInterrupt:
        say("interrupted: everything it started is stopped and removed")
        return 130


def run(args) -> int:
    started = time.perf_counter()
    with Stack(args) as stack:
        stack.start()
        import django

        django.setup()
        say(f"{common.database_label()}; Redis {stack.env['REDIS_URL']}; S3 {stack.env['S3_ENDPOINT_URL']}/{BUCKET}")
        data = build(args.voters)
        say(f"data built in {data['seconds']} s ({args.voters} voters, a council of {COUNCIL_SIZE})")
        from django.db import connection

        connection.close()
        setup = time.perf_counter()
        stack.start_hosts()
        say(f"hosts A :{stack.ports['A']} and B :{stack.ports['B']} (2 workers each), nginx :{stack.balancer_port}, "
            f"2 task workers — up in {time.perf_counter() - setup:.1f} s")
        checks = Checks(stack, data, args)
        for name, check in (("1. session valid on both instances", checks.session),
                            ("2. sign-in limits shared", checks.sign_in_limits),
                            ("2b. sign-in limits count each client behind the balancer", checks.limits_per_client),
                            ("3. write through one, read at once through the other", checks.write_read),
                            ("4. file uploaded through A, downloaded through B", checks.file),
                            ("5. notice sent exactly once with two workers", checks.notice),
                            ("6. voting burst through the balancer", checks.burst),
                            ("7. instance A killed mid-load", checks.kill)):
            checks.run(name, check)
        passed = sum(r["pass"] for r in checks.results)
        total = time.perf_counter() - started
        print(f"\nmultihost: {passed}/{len(checks.results)} checks passed in {total:.0f} s "
              f"(load average {[round(x, 2) for x in os.getloadavg()]})", flush=True)
        if args.json:
            common.write_json(args.json, {"results": checks.results, "seconds": round(total, 1),
                                          "voters": args.voters, "machine": common.machine()})
    return 0 if passed == len(checks.results) else 1


if __name__ == "__main__":
    sys.exit(main())
