"""`make bench`: seed a bench data set, start the real server (production mode; one process, then one worker
per core), drive it with wrk from a separate process, and print requests/s, p50/p99, server CPU per request,
peak RSS and statements per request, each scenario also as a ratio to the HTTP floor of the same size.

Every run starts from fresh stores: the data set is seeded once per size (bench/var/seed-N) and copied for
each run (bench/var/run), so runs compare. `--soak S` keeps the one-process server under the mix for S
seconds and reports its resident memory over time."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from gateway.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PASSWORD = "Affiliate-Demo-2026!"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The large shape, 100 items with a few fields and nested objects (~1,400 fields, 26 KB; the issue's
# reference was ~800 fields, 11 KB): what a claims list shows.
LARGE_PAGE = """query LargePage { claims(search: {}, first: 100) { totalCount pageInfo { hasNextPage endCursor }
  edges { node { claimNumber status billedAmount receivedOn billingProvider { name } entity { name }
    member { lastName } payment { amount } } } } }"""
# Every field of the claim, its provider, entity, member and payment (~3,200 fields, 65 KB): a partner's sync.
FULL_PAGE = """query FullPage { claims(search: {}, first: 100) { totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id claimNumber status statusCategory billedAmount allowedAmount paidAmount receivedOn
    region { code } entity { taxId name } billingProvider { npi name specialty }
    member { memberId firstName lastName dateOfBirth planType } payment { vendor method reference amount paidOn } } } } }"""
SMALL = """query ClaimByNumber { claims(search: {claimNumber: "SCAL0000000001"}) { edges { node {
  id claimNumber status statusCategory billedAmount paidAmount payment { vendor amount paidOn } } } } }"""
IN_BASKET = """query InBasket { viewer { inBasket(first: 50) { totalCount edges { node { id kind folder subject sentAt readAt
  claim { claimNumber status } } } } } }"""
PICKER = """query Picker { entity(taxId: "84-2000002") { providers(region: CO, search: "a", first: 25) {
  totalCount edges { node { id npi name specialty } } } } }"""
GUEST = """query Guest { guestClaimStatus(input: {region: SCAL, claimNumber: "SCAL0000000001", memberId: "M100000001",
  memberDateOfBirth: "1980-04-12", billedAmount: "1250.00"}) { claim { status statusCategory payment { amount } } guidance } }"""
# One member's eligibility and benefits on a date of service: the answer a practice checks before a visit.
ELIGIBILITY = """query Eligibility { eligibility(input: {region: SCAL, memberId: "M100000001",
  memberDateOfBirth: "1980-04-12", dateOfService: "2026-05-01"}) { coverage { eligible planType planName
  groupNumber coverageFrom coverageTo benefits { serviceType { code } network covered copay coinsurancePercent }
  accumulators { kind level network limit met remaining } } guidance } }"""
SUBMIT = """mutation Submit($input: SupportingDocumentationInput!) { submitSupportingDocumentation(input: $input) {
  confirmation userErrors { code } } }"""
SMALL_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

SLOW_REGION, SLOW_MS = "NCAL", 50
LARGE = "large: 100 claims, 2 regions"
FULL = "large, every field: 100 claims"
MIX = "mix, 10% mutations"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: str = ""


@dataclass
class Result:
    scenario: str
    mode: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    response_bytes: int
    floor_requests_per_second: float | None = None
    ratio_to_floor: float | None = None
    cpu_ms_per_request: float | None = None
    peak_rss_mb: float | None = None
    statements_per_request: float | None = None
    directory_statements_per_request: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WrkRun:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


# ------------------------------------------------------------------------ processes


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


def _rss_mb(pids: list[int], key: str = "VmHWM") -> float:
    """Resident memory of the server processes: the peak (VmHWM) or the current (VmRSS)."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(rf"{key}:\s+(\d+) kB", status)
        total += int(match[1]) if match else 0
    return total / 1024


@contextmanager
def server(args: list[str], env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [PYTHON, *args],
        cwd=ROOT,
        env={**os.environ, **env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"server {args} did not start")
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _server_pids(process: subprocess.Popen[bytes]) -> list[int]:
    pids = [process.pid, *_children(process.pid)]
    return pids + [grandchild for pid in pids[1:] for grandchild in _children(pid)]


def _uvicorn(app: str, port: int) -> list[str]:
    """A helper server (the floor, the slowed gateway) on the same stack as the gateway's `serve`."""
    return [
        "-m",
        "uvicorn",
        app,
        "--factory",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


# ----------------------------------------------------------------------------- wrk


def _lua_string(text: str) -> str:
    """A Lua string literal of `text`'s UTF-8 bytes (long brackets would turn CR LF into LF)."""
    escaped = []
    for byte in text.encode():
        character = chr(byte)
        if 32 <= byte < 127 and character not in '"\\':
            escaped.append(character)
        else:
            escaped.append(f"\\{byte:03d}")
    return '"' + "".join(escaped) + '"'


def _lua(requests: list[Request]) -> str:
    entries = []
    for request in requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in request.headers.items())
        entries.append(
            f"{{method = {_lua_string(request.method)}, path = {_lua_string(request.path)}, "
            f"headers = {{{headers}}}, body = {_lua_string(request.body)}}}"
        )
    return (
        "local requests = {\n  " + ",\n  ".join(entries) + "\n}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        "  local r = requests[(i % #requests) + 1]\n"
        "  return wrk.format(r.method, r.path, r.headers, r.body)\n"
        "end\n"
    )


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(base_url: str, requests: list[Request], seconds: int, connections: int) -> WrkRun:
    """One wrk run of `requests` in turn: requests/s, p50 and p99 in ms, non-2xx answers, socket errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(requests))
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "--latency",
                "-s",
                script.name,
                base_url,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p50 = _milliseconds(re.search(r"\s50%\s+(\S+)", output)[1])  # type: ignore[index]
    p99 = _milliseconds(re.search(r"\s99%\s+(\S+)", output)[1])  # type: ignore[index]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkRun(
        requests_per_second=rps,
        p50_ms=p50,
        p99_ms=p99,
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


# ----------------------------------------------------------------------- scenarios


def _graphql(document: str, token: str | None, variables: dict[str, Any] | None = None) -> Request:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return Request("POST", "/graphql", headers, json.dumps({"query": document, "variables": variables or {}}))


def _multipart_submission(token: str, claim_id: str) -> Request:
    boundary = "benchboundary7MA4YWxkTrZu0gW"
    operations = json.dumps(
        {
            "query": SUBMIT,
            "variables": {
                "input": {"claimId": claim_id, "body": "Operative report attached.", "attachments": [None]}
            },
        }
    )
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{operations}\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{{"0": ["variables.input.attachments.0"]}}\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="report.pdf"\r\n'
        f"Content-Type: application/pdf\r\n\r\n{SMALL_PDF.decode()}\r\n",
        f"--{boundary}--\r\n",
    ]
    headers = {
        "content-type": f"multipart/form-data; boundary={boundary}",
        "authorization": f"Bearer {token}",
        "apollo-require-preflight": "true",
    }
    return Request("POST", "/graphql", headers, "".join(parts))


def _token(base_url: str, user_id: str) -> str:
    response = httpx.post(
        f"{base_url}/auth/sign-in", json={"userId": user_id, "password": PASSWORD}, timeout=10
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def scenarios(base_url: str) -> dict[str, list[Request]]:
    dana, omar = _token(base_url, "dana.reyes"), _token(base_url, "omar.haddad")
    page = httpx.post(
        f"{base_url}/graphql", json={"query": SMALL}, headers={"authorization": f"Bearer {dana}"}
    ).json()
    claim_id = page["data"]["claims"]["edges"][0]["node"]["id"]
    reads = [_graphql(FULL_PAGE, dana)] * 4 + [_graphql(SMALL, dana)] * 3 + [_graphql(IN_BASKET, dana)] * 2
    return {
        "small: claim by number": [_graphql(SMALL, dana)],
        LARGE: [_graphql(LARGE_PAGE, dana)],
        FULL: [_graphql(FULL_PAGE, dana)],
        "in-basket page": [_graphql(IN_BASKET, dana)],
        "provider picker search": [_graphql(PICKER, omar)],
        "guest look-up": [_graphql(GUEST, None)],
        "eligibility look-up": [_graphql(ELIGIBILITY, dana)],
        MIX: [*reads, _multipart_submission(dana, claim_id)],
    }


def _statements(base_url: str) -> tuple[float, float]:
    """The N+1 meters: statements sent to the regions' stores, and to the directory, so far."""
    text = httpx.get(f"{base_url}/metrics", timeout=10).text
    regions = sum(
        float(v) for v in re.findall(r"^region_backend_statements_total\{[^}]*\} ([\d.e+]+)$", text, re.M)
    )
    directory = sum(float(v) for v in re.findall(r"^directory_statements_total ([\d.e+]+)$", text, re.M))
    return regions, directory


def probe(base_url: str, requests: list[Request]) -> tuple[int, list[str]]:
    """The size of the first request's answer, and a note for each distinct request that does not answer
    200 without errors (a scenario measuring refusals would measure nothing)."""
    size, notes = 0, []
    distinct = [request for index, request in enumerate(requests) if request not in requests[:index]]
    for index, request in enumerate(distinct):
        response = httpx.request(
            request.method,
            f"{base_url}{request.path}",
            headers=request.headers,
            content=request.body.encode(),
            timeout=30,
        )
        if index == 0:
            size = len(response.content)
        if response.status_code != 200:
            notes.append(f"HTTP {response.status_code}: {response.text[:120]}")
        elif '"errors"' in response.text:
            notes.append("answered with errors: " + response.text[:120])
    return size, notes


# ---------------------------------------------------------------------------- main


def fresh_stores(data_dir: Path, claims_per_region: int) -> Path:
    """A fresh copy of the seeded stores for this run (the data set is seeded once per size)."""
    seeded = data_dir / f"seed-{claims_per_region}"
    marker = seeded / ".seeded"
    if not marker.exists():
        shutil.rmtree(seeded, ignore_errors=True)
        seeded.mkdir(parents=True)
        subprocess.run(
            [PYTHON, "-m", "gateway", "seed", "--claims-per-region", str(claims_per_region)],
            cwd=ROOT,
            env={**os.environ, "DATA_DIR": str(seeded)},
            check=True,
        )
        marker.touch()
    run = data_dir / "run"
    shutil.rmtree(run, ignore_errors=True)
    shutil.copytree(seeded, run, ignore=shutil.ignore_patterns(".seeded", "*-wal", "*-shm"))
    # A data set seeded before the latest migrations is brought up to them, as `make run` would.
    subprocess.run(
        [PYTHON, "-m", "gateway", "migrate"],
        cwd=ROOT,
        env={**os.environ, "DATA_DIR": str(run), "LOG_LEVEL": "WARNING"},
        check=True,
    )
    return run


def bench_environment(data_dir: Path) -> dict[str, str]:
    """The server's settings: production mode over the bench stores."""
    return {
        "DATA_DIR": str(data_dir),
        "GATEWAY_ENV": "production",
        "LOG_LEVEL": "WARNING",
        "ACCESS_TOKEN_TTL_SECONDS": "3600",
        "SESSION_IDLE_SECONDS": "3600",
        # The guest throttle would stop a load test at once, and the guest answers' deliberate minimum time
        # (so that a miss answers no faster than a match) would measure a sleep: both off for the bench.
        "GUEST_LOOKUPS_PER_ADDRESS": "100000000",
        "GUEST_LOOKUPS_PER_MEMBER": "100000000",
        "GUEST_MIN_RESPONSE_MS": "0",
        # One person's eligibility allowance (120 a minute) likewise.
        "ELIGIBILITY_LOOKUPS_PER_MINUTE": "100000000",
    }


class Bench:
    """One `make bench` run: the floor server stays up throughout; gateways come and go."""

    def __init__(self, args: argparse.Namespace, env: dict[str, str]) -> None:
        self.args = args
        self.env = env
        self.floors: dict[int, float] = {}
        self.floor_url = f"http://127.0.0.1:{args.port + 9}"
        self.results: list[Result] = []

    def floor(self, size: int) -> float:
        if size not in self.floors:
            run = wrk(
                self.floor_url,
                [Request("GET", f"/floor/{size}", {})],
                self.args.seconds,
                self.args.connections,
            )
            self.floors[size] = run.requests_per_second
        return self.floors[size]

    def measure(
        self,
        name: str,
        mode: str,
        requests: list[Request],
        base: str,
        process: subprocess.Popen[bytes],
        *,
        connections: int | None = None,
        count_statements: bool = True,
    ) -> Result:
        size, notes = probe(base, requests)
        pids = _server_pids(process)
        cpu_before = _cpu_seconds(pids)
        statements_before = _statements(base) if count_statements else (0.0, 0.0)
        run = wrk(base, requests, self.args.seconds, connections or self.args.connections)
        total = run.requests_per_second * self.args.seconds
        cpu = (_cpu_seconds(pids) - cpu_before) * 1000 / total if total else None
        statements = directory = None
        if count_statements and total:
            after = _statements(base)
            statements = (after[0] - statements_before[0]) / total
            directory = (after[1] - statements_before[1]) / total
        if run.socket_errors:
            notes.append(f"{run.socket_errors} socket errors")
        floor = self.floor(size)
        result = Result(
            scenario=name,
            mode=mode,
            requests_per_second=round(run.requests_per_second, 1),
            p50_ms=round(run.p50_ms, 2),
            p99_ms=round(run.p99_ms, 2),
            errors=run.non_2xx,
            response_bytes=size,
            floor_requests_per_second=round(floor, 1),
            ratio_to_floor=round(run.requests_per_second / floor, 4),
            cpu_ms_per_request=None if cpu is None else round(cpu, 3),
            peak_rss_mb=round(_rss_mb(_server_pids(process)), 1),
            statements_per_request=None if statements is None else round(statements, 2),
            directory_statements_per_request=None if directory is None else round(directory, 2),
            notes=notes,
        )
        self.results.append(result)
        print(_row(result), flush=True)
        return result

    def run(self) -> list[Result]:
        args, env = self.args, self.env
        with server(_uvicorn("bench.floor:create_app", args.port + 9), {}, args.port + 9):
            one_connection_p50: float | None = None
            modes = [("1 process", 1), (f"{os.cpu_count()} workers", os.cpu_count() or 2)]
            for mode, workers in modes:
                # Workers share sessions and limits through Redis, as replicas do in production.
                mode_env = (
                    env if workers == 1 else {**env, "REDIS_URL": args.redis_url, "REDIS_PREFIX": "bench:"}
                )
                with server(
                    ["-m", "gateway", "serve", "--workers", str(workers)], mode_env, args.port
                ) as process:
                    base = f"http://127.0.0.1:{args.port}"
                    found = scenarios(base)
                    for name, requests in found.items():
                        if args.only and args.only not in name:
                            continue
                        # One worker's /metrics sees one worker's statements: counted with one process only.
                        self.measure(name, mode, requests, base, process, count_statements=workers == 1)
                    if workers == 1 and (not args.only or "slow" in args.only):
                        one_connection_p50 = self.measure(
                            "large, 1 connection", mode, found[LARGE], base, process, connections=1
                        ).p50_ms
                    if workers == 1 and args.soak:
                        self.soak(found[MIX], base, process)
            if not args.only or "slow" in args.only:
                self.slowed(one_connection_p50)
        return self.results

    def slowed(self, unslowed_p50: float | None) -> None:
        """The large page with one region's answers delayed: it should cost that region's delay, no more."""
        args = self.args
        slow_env = {**self.env, "BENCH_SLOW_REGION": SLOW_REGION, "BENCH_SLOW_MS": str(SLOW_MS)}
        with server(_uvicorn("bench.slow:create_app", args.port), slow_env, args.port) as process:
            base = f"http://127.0.0.1:{args.port}"
            request = [_graphql(LARGE_PAGE, _token(base, "dana.reyes"))]
            name = f"large, {SLOW_REGION} slowed by {SLOW_MS} ms"
            alone = self.measure(f"{name}, 1 conn.", "1 process", request, base, process, connections=1)
            if unslowed_p50 is not None:
                alone.notes.append(f"adds {alone.p50_ms - unslowed_p50:.1f} ms to the p50 of one connection")
                print(f"  {alone.notes[-1]}", flush=True)
            self.measure(name, "1 process", request, base, process)

    def soak(self, requests: list[Request], base: str, process: subprocess.Popen[bytes]) -> None:
        """The mix for `--soak` seconds, resident memory sampled along the way: it should stay flat."""
        samples: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(10):
                samples.append(_rss_mb(_server_pids(process), "VmRSS"))

        sampler = threading.Thread(target=sample, daemon=True)
        start_rss = _rss_mb(_server_pids(process), "VmRSS")
        sampler.start()
        run = wrk(base, requests, self.args.soak, self.args.connections)
        done.set()
        sampler.join()
        end_rss = _rss_mb(_server_pids(process), "VmRSS")
        third = max(1, len(samples) // 3)
        early, late = samples[:third] or [start_rss], samples[-third:] or [end_rss]
        result = Result(
            scenario=f"soak: mix for {self.args.soak} s",
            mode="1 process",
            requests_per_second=round(run.requests_per_second, 1),
            p50_ms=round(run.p50_ms, 2),
            p99_ms=round(run.p99_ms, 2),
            errors=run.non_2xx,
            response_bytes=0,
            peak_rss_mb=round(max([start_rss, *samples, end_rss]), 1),
            notes=[
                f"RSS {start_rss:.0f} MB at start, {sum(early) / len(early):.0f} MB over the first third, "
                f"{sum(late) / len(late):.0f} MB over the last, {end_rss:.0f} MB at the end"
            ],
        )
        self.results.append(result)
        print(_row(result), flush=True)


HEADER = (
    f"{'scenario':36} {'mode':10} {'req/s':>7} {'floor':>6} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} "
    f"{'cpu ms':>6} {'rss MB':>6} {'stmts':>5} {'dir':>4} {'bytes':>6} {'non-2xx':>7}"
)


def _row(result: Result) -> str:
    def show(value: float | None, digits: int) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    return (
        f"{result.scenario:36} {result.mode:10} {result.requests_per_second:7.1f} "
        f"{show(result.floor_requests_per_second, 0):>6} {show(result.ratio_to_floor, 4):>7} "
        f"{result.p50_ms:8.2f} {result.p99_ms:8.2f} {show(result.cpu_ms_per_request, 2):>6} "
        f"{show(result.peak_rss_mb, 0):>6} {show(result.statements_per_request, 1):>5} "
        f"{show(result.directory_statements_per_request, 1):>4} "
        f"{result.response_bytes:6d} {result.errors:7d}"
        + (f"  ({'; '.join(result.notes)})" if result.notes else "")
    )


def table(results: list[Result]) -> str:
    return "\n".join([HEADER, *(_row(result) for result in results)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10, help="load time per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--claims-per-region", type=int, default=20_000)
    parser.add_argument("--data-dir", default=str(ROOT / "bench" / "var"))
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--only", help="run only scenarios whose name contains this")
    parser.add_argument("--soak", type=int, default=300, help="seconds of the memory soak (0: none)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13", help="shared by the workers")
    parser.add_argument(
        "--compare", action="store_true", help="compare the newest result with the committed one"
    )
    args = parser.parse_args(argv)
    if args.compare:
        return compare()
    started = time.monotonic()
    stores = fresh_stores(Path(args.data_dir).resolve(), args.claims_per_region)
    executor = Settings.from_env().graphql_executor  # the servers inherit this environment
    print(
        f"executor: {executor}; {args.seconds} s a scenario, {args.connections} connections\n{HEADER}",
        flush=True,
    )
    results = Bench(args, bench_environment(stores)).run()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    record = {
        "at": stamp,
        "seconds": args.seconds,
        "connections": args.connections,
        "claims_per_region": args.claims_per_region,
        "executor": executor,
        "results": [asdict(r) for r in results],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{stamp}.json").write_text(json.dumps(record, indent=2))
    (RESULTS / "latest.json").write_text(json.dumps(record, indent=2))
    print(
        f"\n{table(results)}\n\nwritten to bench/results/{stamp}.json in {time.monotonic() - started:.0f} s"
    )
    return 0


def compare() -> int:
    """The newest run against the last committed `bench/results/latest.json`, scenario by scenario."""
    current = json.loads((RESULTS / "latest.json").read_text())
    shown = subprocess.run(
        ["git", "show", "HEAD:bench/results/latest.json"], cwd=ROOT, capture_output=True, text=True
    )
    if shown.returncode != 0:
        print("no committed bench/results/latest.json to compare with")
        return 1
    before = {(r["scenario"], r["mode"]): r for r in json.loads(shown.stdout)["results"]}
    print(f"{'scenario':36} {'mode':10} {'ratio was':>10} {'ratio now':>10} {'change':>8}")
    for result in current["results"]:
        old = before.get((result["scenario"], result["mode"]))
        if old is None or not old.get("ratio_to_floor") or not result.get("ratio_to_floor"):
            continue
        change = (result["ratio_to_floor"] / old["ratio_to_floor"] - 1) * 100
        print(
            f"{result['scenario']:36} {result['mode']:10} {old['ratio_to_floor']:10.4f} "
            f"{result['ratio_to_floor']:10.4f} {change:+7.1f}%"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
