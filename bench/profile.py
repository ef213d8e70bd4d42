"""Where a scenario's time goes: the real server (uvloop, httptools, production settings) runs in this
process under pyinstrument while wrk drives it from its own process, as `make bench` does.

    .venv/bin/python -m bench.profile --only large --seconds 10 [--html out.html]

Needs the bench data set (`make bench` seeds it) and pyinstrument (`pip install pyinstrument`; a
profiling aid only, not a dependency of the gateway)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from bench.run import ROOT, bench_environment, fresh_stores, scenarios, wrk


async def _profile(args: argparse.Namespace) -> int:
    import uvicorn
    from pyinstrument import Profiler

    # wrk cuts connections at the end of a run: the disconnects are not worth a traceback each.
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)

    server = uvicorn.Server(
        uvicorn.Config(
            "gateway.app:create_app",
            factory=True,
            host="127.0.0.1",
            port=args.port,
            loop="none",
            http="httptools",
            log_config=None,
            access_log=False,
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn's Server offers a flag, not an event
        await asyncio.sleep(0.05)
    base = f"http://127.0.0.1:{args.port}"
    try:
        found = await asyncio.to_thread(scenarios, base)
        chosen = [name for name in found if args.only in name]
        if not chosen:
            print(f"no scenario matches {args.only!r}: {', '.join(found)}", file=sys.stderr)
            return 2
        requests = found[chosen[0]]
        # A short warm-up, so that caches fill and the profile shows the steady state.
        await asyncio.to_thread(wrk, base, requests, 2, args.connections)
        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
        run = await asyncio.to_thread(wrk, base, requests, args.seconds, args.connections)
        profiler.stop()
    finally:
        server.should_exit = True
        await serving
    print(
        f"{chosen[0]}: {run.requests_per_second:.1f} req/s, p50 {run.p50_ms:.2f} ms, "
        f"p99 {run.p99_ms:.2f} ms, non-2xx {run.non_2xx}"
    )
    if args.html:
        await asyncio.to_thread(Path(args.html).write_text, profiler.output_html())
        print(f"written to {args.html}")
    else:
        from pyinstrument.renderers import ConsoleRenderer

        renderer = ConsoleRenderer(unicode=True, color=False, flat=args.flat, show_all=False)
        print(profiler.output(renderer))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="large", help="the scenario whose name contains this")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--claims-per-region", type=int, default=20_000)
    parser.add_argument("--data-dir", default=str(ROOT / "bench" / "var"))
    parser.add_argument("--port", type=int, default=8780)
    parser.add_argument("--flat", action="store_true", help="self time by function instead of a call tree")
    parser.add_argument("--html", help="write pyinstrument's HTML report here instead of text")
    args = parser.parse_args(argv)
    os.environ.update(bench_environment(fresh_stores(Path(args.data_dir).resolve(), args.claims_per_region)))
    import uvloop

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(_profile(args))


if __name__ == "__main__":
    sys.exit(main())
