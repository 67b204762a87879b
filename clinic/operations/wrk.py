"""The load generator of ``make bench-run``: wrk, driven by a Lua script
written for each page.

wrk (C, one event loop per thread) keeps its own cost small on a machine
whose cores it shares with the site. The script holds the page's requests,
one per signed-in person, each with that person's cookies (session and CSRF)
and, for a POST, the form's body; the connections take the people in turn.
A body's ``NEW_KEY`` becomes a fresh UUID on every request. ``response``
counts answers whose status is not the one the page gave in-process (a
sign-in redirect, a 403 from CSRF, a 500 would all show there), and
``done`` prints the run's figures on one line: wrk's latency percentiles
are per request, measured from the moment each was written.
"""

# wrk is run with arguments built here.
# ruff: noqa: S603

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from clinic.operations.page_bench import NEW_KEY, Page

SCRIPT = r"""
local requests = %(requests)s
local expected = %(expected)d
local threads = {}
local counter = 0

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local built = {}
local n = 0
unexpected = 0

local function uuid()
  return string.format("%%08x-%%04x-4%%03x-%%04x-%%06x%%06x",
    math.random(0, 0xffffffff), math.random(0, 0xffff), math.random(0, 0xfff),
    math.random(0x8000, 0xbfff), math.random(0, 0xffffff), math.random(0, 0xffffff))
end

function init(args)
  n = offset
  math.randomseed(os.time() * 100 + offset)
  for i, r in ipairs(requests) do
    if not string.find(r.body or "", "%(new_key)s", 1, true) then
      built[i] = wrk.format(r.method, r.path, r.headers, r.body)
    end
  end
end

function request()
  n = n + 1
  local i = n %% #requests + 1
  if built[i] then
    return built[i]
  end
  local r = requests[i]
  local body = string.gsub(r.body, "%(new_key_pattern)s", uuid())
  return wrk.format(r.method, r.path, r.headers, body)
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%%d duration_us=%%d p50_us=%%d p95_us=%%d max_us=%%d unexpected=%%d " ..
    "connect=%%d read=%%d write=%%d timeout=%%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency.max, bad, errors.connect, errors.read, errors.write, errors.timeout))
end
"""

RESULT = re.compile(r"^RESULT (.*)$", re.M)


def lua_string(text: str) -> str:
    if not text.isascii():
        raise ValueError("wrk's requests are written as ASCII")
    return json.dumps(text)  # JSON's escapes for ASCII text are Lua's too


def lua_requests(page: Page) -> str:
    rows = []
    for request in page.requests:
        headers = ", ".join(
            f"[{lua_string(name)}] = {lua_string(value)}"
            for name, value in request.headers().items()
        )
        body = lua_string(request.body) if request.body else "nil"
        rows.append(
            f"{{method = {lua_string(request.method)}, path = {lua_string(request.path)}, "
            f"headers = {{{headers}}}, body = {body}}}"
        )
    return "{\n  " + ",\n  ".join(rows) + "\n}"


def script(page: Page) -> str:
    return SCRIPT % {
        "requests": lua_requests(page),
        "expected": page.status,
        "new_key": NEW_KEY,
        "new_key_pattern": re.sub(r"([^\w])", r"%\1", NEW_KEY),
    }


@dataclass
class Run:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    unexpected: int
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse(output: str) -> Run:
    match = RESULT.search(output)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    values = {k: int(v) for k, v in (item.split("=") for item in match[1].split())}
    return Run(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=values["p50_us"] / 1000,
        p95_ms=values["p95_us"] / 1000,
        max_ms=values["max_us"] / 1000,
        unexpected=values["unexpected"],
        socket_errors=sum(values[k] for k in ("connect", "read", "write", "timeout")),
    )


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise FileNotFoundError("wrk is not installed (apt-get install wrk; make bench-run does).")
    return path


def run(page: Page, port: int, *, seconds: float, connections: int, threads: int = 1) -> Run:
    """Drive ``page`` for ``seconds`` with ``connections`` connections."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-") as file:
        file.write(script(page))
        file.flush()
        command = [wrk_path(), "-t", str(threads), "-c", str(connections)]
        command += ["-d", f"{max(1, round(seconds))}s", "--timeout", "30s", "-s", file.name]
        command.append(f"http://127.0.0.1:{port}/")
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse(done.stdout)
