"""cProfile one contender's calls against the loopback server, to name where time goes.

python bench/profile_call.py "Aegis (all on)" --protocol ollama --calls 2000 [--mode invoke|ainvoke|stream]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clients import LONG_PROMPT, contenders
from _harness import pin_client, servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("client")
    parser.add_argument("--protocol", default="ollama", choices=["ollama", "openai"])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--mode", default="invoke", choices=["invoke", "ainvoke", "stream"])
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--out", type=Path, help="also dump the raw stats here")
    args = parser.parse_args()
    pin_client()
    with servers() as srv:
        built = contenders(
            args.protocol, srv["ollama"].origin, srv["openai"].base_url, litellm="LiteLLM" in args.client
        )
        c = next(c for c in built if c.name == args.client)
        if c.error:
            raise SystemExit(c.error)
        if args.mode == "invoke":
            work = lambda: [c.call() for _ in range(args.calls)]  # noqa: E731
        elif args.mode == "stream":
            work = lambda: [list(c.stream(LONG_PROMPT)) for _ in range(args.calls)]  # noqa: E731
        else:

            async def many() -> None:
                for _ in range(args.calls):
                    await c.acall()

            work = lambda: asyncio.run(many())  # noqa: E731
        for _ in range(3):
            c.call()
        profiler = cProfile.Profile()
        profiler.enable()
        work()
        profiler.disable()
    if args.out:
        profiler.dump_stats(args.out)
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    print(buf.getvalue())


if __name__ == "__main__":
    main()
