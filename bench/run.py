"""`make bench`: seed a bench data set, start the real server (production mode; one process, then one worker
per core), drive it with wrk from a separate process, and print requests/s, p50/p99, server CPU per request,
peak RSS and statements per request, each scenario also as a ratio to the HTTP floor of the same size."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PASSWORD = "Affiliate-Demo-2026!"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

LARGE_PAGE = """query LargePage { claims(search: {}, first: 100) { totalCount pageInfo { hasNextPage endCursor }
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
SUBMIT = """mutation Submit($input: SupportingDocumentationInput!) { submitSupportingDocumentation(input: $input) {
  confirmation userErrors { code } } }"""
SMALL_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


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
    notes: list[str] = field(default_factory=list)


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


def _peak_rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
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


# ----------------------------------------------------------------------------- wrk


def _lua(requests: list[Request]) -> str:
    entries = []
    for request in requests:
        headers = ", ".join(f'["{k}"] = [==[{v}]==]' for k, v in request.headers.items())
        entries.append(
            f'{{method = "{request.method}", path = [==[{request.path}]==], headers = {{{headers}}}, '
            f"body = [==[{request.body}]==]}}"
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


def wrk(
    base_url: str, requests: list[Request], seconds: int, connections: int
) -> tuple[float, float, float, int]:
    """Requests/s, p50 and p99 in ms, and non-2xx answers, from one wrk run."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(requests))
    try:
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency", "-s", script.name, base_url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p50 = _milliseconds(re.search(r"\s50%\s+(\S+)", output)[1])  # type: ignore[index]
    p99 = _milliseconds(re.search(r"\s99%\s+(\S+)", output)[1])  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rps, p50, p99, int(errors[1]) if errors else 0


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
    reads = [_graphql(LARGE_PAGE, dana)] * 4 + [_graphql(SMALL, dana)] * 3 + [_graphql(IN_BASKET, dana)] * 2
    return {
        "small: claim by number": [_graphql(SMALL, dana)],
        "large: 100 claims, 2 regions": [_graphql(LARGE_PAGE, dana)],
        "in-basket page": [_graphql(IN_BASKET, dana)],
        "provider picker search": [_graphql(PICKER, omar)],
        "guest look-up": [_graphql(GUEST, None)],
        "mix, 10% mutations": [*reads, _multipart_submission(dana, claim_id)],
    }


def _statements(base_url: str) -> float:
    text = httpx.get(f"{base_url}/metrics", timeout=10).text
    return sum(
        float(v) for v in re.findall(r"^region_backend_statements_total\{[^}]*\} ([\d.e+]+)$", text, re.M)
    )


def _response_bytes(base_url: str, request: Request) -> tuple[int, list[str]]:
    response = httpx.request(
        request.method,
        f"{base_url}{request.path}",
        headers=request.headers,
        content=request.body.encode(),
        timeout=30,
    )
    notes = []
    if response.status_code != 200:
        notes.append(f"HTTP {response.status_code}")
    elif "errors" in response.text[:200000] and '"errors"' in response.text:
        notes.append("answered with errors: " + response.text[:120])
    return len(response.content), notes


# ---------------------------------------------------------------------------- main


def seed(data_dir: Path, claims_per_region: int) -> None:
    marker = data_dir / f".seeded-{claims_per_region}"
    if marker.exists():
        return
    for stale in data_dir.glob("*.sqlite3*"):
        stale.unlink()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATA_DIR": str(data_dir)}
    subprocess.run(
        [PYTHON, "-m", "gateway", "seed", "--claims-per-region", str(claims_per_region)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    marker.touch()


def bench_environment(data_dir: Path) -> dict[str, str]:
    """The server's settings: production mode over the bench stores."""
    return {
        "DATA_DIR": str(data_dir),
        "GATEWAY_ENV": "production",
        "LOG_LEVEL": "WARNING",
        "ACCESS_TOKEN_TTL_SECONDS": "3600",
        "SESSION_IDLE_SECONDS": "3600",
        # The guest throttle would stop a load test at once: raise it for the bench only.
        "GUEST_LOOKUPS_PER_ADDRESS": "100000000",
        "GUEST_LOOKUPS_PER_MEMBER": "100000000",
    }


def run(args: argparse.Namespace) -> list[Result]:
    data_dir = Path(args.data_dir).resolve()
    seed(data_dir, args.claims_per_region)
    env = bench_environment(data_dir)
    results: list[Result] = []
    floors: dict[int, float] = {}
    with server(
        [
            "-m",
            "uvicorn",
            "bench.floor:create_app",
            "--factory",
            "--port",
            str(args.port + 9),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        {},
        args.port + 9,
    ):
        floor_url = f"http://127.0.0.1:{args.port + 9}"

        def floor_rps(size: int) -> float:
            if size not in floors:
                floors[size] = wrk(
                    floor_url, [Request("GET", f"/floor/{size}", {})], args.seconds, args.connections
                )[0]
            return floors[size]

        modes = [("1 process", 1), (f"{os.cpu_count()} workers", os.cpu_count() or 2)]
        for mode, workers in modes:
            # Workers share sessions and limits through Redis, as replicas do in production.
            mode_env = env if workers == 1 else {**env, "REDIS_URL": args.redis_url, "REDIS_PREFIX": "bench:"}
            with server(["-m", "gateway", "serve", "--workers", str(workers)], mode_env, args.port) as process:
                base = f"http://127.0.0.1:{args.port}"
                for name, requests in scenarios(base).items():
                    if args.only and args.only not in name:
                        continue
                    size, notes = _response_bytes(base, requests[0])
                    pids = _server_pids(process)
                    cpu_before, statements_before = (
                        _cpu_seconds(pids),
                        _statements(base) if workers == 1 else 0.0,
                    )
                    rps, p50, p99, errors = wrk(base, requests, args.seconds, args.connections)
                    total = rps * args.seconds
                    cpu = (_cpu_seconds(pids) - cpu_before) * 1000 / total if total else None
                    statements = (
                        (_statements(base) - statements_before) / total if workers == 1 and total else None
                    )
                    floor = floor_rps(size)
                    results.append(
                        Result(
                            scenario=name,
                            mode=mode,
                            requests_per_second=round(rps, 1),
                            p50_ms=round(p50, 2),
                            p99_ms=round(p99, 2),
                            errors=errors,
                            response_bytes=size,
                            floor_requests_per_second=round(floor, 1),
                            ratio_to_floor=round(rps / floor, 4),
                            cpu_ms_per_request=None if cpu is None else round(cpu, 3),
                            peak_rss_mb=round(_peak_rss_mb(_server_pids(process)), 1),
                            statements_per_request=None if statements is None else round(statements, 2),
                            notes=notes,
                        )
                    )
                    print(_row(results[-1]), flush=True)
        if not args.only or "slow" in args.only:
            slow_env = {**env, "BENCH_SLOW_REGION": "NCAL", "BENCH_SLOW_MS": "50"}
            with server(
                [
                    "-m",
                    "uvicorn",
                    "bench.slow:create_app",
                    "--factory",
                    "--port",
                    str(args.port),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ],
                slow_env,
                args.port,
            ) as process:
                base = f"http://127.0.0.1:{args.port}"
                request = _graphql(LARGE_PAGE, _token(base, "dana.reyes"))
                size, notes = _response_bytes(base, request)
                rps, p50, p99, errors = wrk(base, [request], args.seconds, args.connections)
                results.append(
                    Result(
                        scenario="large, NCAL slowed by 50 ms",
                        mode="1 process",
                        requests_per_second=round(rps, 1),
                        p50_ms=round(p50, 2),
                        p99_ms=round(p99, 2),
                        errors=errors,
                        response_bytes=size,
                        floor_requests_per_second=round(floor_rps(size), 1),
                        ratio_to_floor=round(rps / floor_rps(size), 4),
                        peak_rss_mb=round(_peak_rss_mb(_server_pids(process)), 1),
                        notes=notes,
                    )
                )
                print(_row(results[-1]), flush=True)
    return results


HEADER = (
    f"{'scenario':34} {'mode':11} {'req/s':>8} {'floor':>8} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} "
    f"{'cpu ms':>7} {'rss MB':>7} {'stmts':>6} {'bytes':>7} {'non-2xx':>7}"
)


def _row(result: Result) -> str:
    def show(value: float | None, digits: int) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    return (
        f"{result.scenario:34} {result.mode:11} {result.requests_per_second:8.1f} "
        f"{show(result.floor_requests_per_second, 0):>8} {show(result.ratio_to_floor, 3):>7} "
        f"{result.p50_ms:8.2f} {result.p99_ms:8.2f} {show(result.cpu_ms_per_request, 2):>7} "
        f"{show(result.peak_rss_mb, 0):>7} {show(result.statements_per_request, 1):>6} "
        f"{result.response_bytes:7d} {result.errors:7d}"
        + (f"  ({'; '.join(result.notes)})" if result.notes else "")
    )


def table(results: list[Result]) -> str:
    return "\n".join([HEADER, *(_row(result) for result in results)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="load time per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--claims-per-region", type=int, default=20_000)
    parser.add_argument("--data-dir", default=str(ROOT / "bench" / "var"))
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--only", help="run only scenarios whose name contains this")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13", help="shared by the workers")
    parser.add_argument(
        "--compare", action="store_true", help="compare the newest result with the committed one"
    )
    args = parser.parse_args(argv)
    if args.compare:
        return compare()
    started = time.monotonic()
    print(HEADER, flush=True)
    results = run(args)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    record = {
        "at": stamp,
        "seconds": args.seconds,
        "connections": args.connections,
        "claims_per_region": args.claims_per_region,
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
    print(f"{'scenario':34} {'mode':11} {'ratio was':>10} {'ratio now':>10} {'change':>8}")
    for result in current["results"]:
        old = before.get((result["scenario"], result["mode"]))
        if old is None or not old.get("ratio_to_floor"):
            continue
        change = (result["ratio_to_floor"] / old["ratio_to_floor"] - 1) * 100
        print(
            f"{result['scenario']:34} {result['mode']:11} {old['ratio_to_floor']:10.4f} "
            f"{result['ratio_to_floor']:10.4f} {change:+7.1f}%"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
