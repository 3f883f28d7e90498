"""Measure what docs/scaling.md reports: how long `metasim serve` takes to
print its ready line, and how much resident memory each demo sandbox adds.

    python3 bench/scaling.py target/release/metasim [starts] [sandboxes]

Linux only (reads /proc/PID/status). Talks only to 127.0.0.1.
"""

import json
import statistics
import subprocess
import sys
import time
import urllib.request

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def start(binary):
    began = time.perf_counter()
    process = subprocess.Popen(
        [binary, "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline()
    elapsed = time.perf_counter() - began
    if not line.startswith("metasim ready at "):
        raise SystemExit(f"metasim did not start: {line!r}")
    return process, line.split()[-1], elapsed


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit("no VmRSS")


def post(url, body):
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"content-type": "application/json"},
    )
    with NO_PROXY.open(request) as response:
        return json.loads(response.read())


def main():
    binary = sys.argv[1]
    starts = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    sandboxes = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    if not (1 <= starts <= 1000 and 1 <= sandboxes <= 100_000):
        raise SystemExit("starts: 1..1000, sandboxes: 1..100000")
    times = []
    for _ in range(starts):
        process, _, elapsed = start(binary)
        times.append(elapsed * 1000)
        process.terminate()
        process.wait()
    process, base, _ = start(binary)
    try:
        idle = rss_kib(process.pid)
        began = time.perf_counter()
        for i in range(sandboxes):
            post(f"{base}/_sim/sandboxes", {"id": f"scale-{i}", "seed": i})
        created = time.perf_counter() - began
        full = rss_kib(process.pid)
    finally:
        process.terminate()
        process.wait()
    print(f"start to ready line: median {statistics.median(times):.1f} ms, "
          f"max {max(times):.1f} ms over {starts} starts")
    print(f"RSS with the default sandbox: {idle / 1024:.1f} MiB")
    print(f"RSS with {sandboxes} more demo sandboxes: {full / 1024:.1f} MiB "
          f"({(full - idle) / sandboxes:.1f} KiB per sandbox)")
    print(f"creating them: {created * 1000 / sandboxes:.2f} ms per sandbox over HTTP")


main()
