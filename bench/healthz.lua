-- The same load shape against /healthz (the server's ceiling: routing + one SELECT 1).
-- Usage: wrk -t4 -c4 -d10s -s bench/healthz.lua URL
-- Globals: done() reads them from each thread with thread:get().
ok, failures = 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.path = "/healthz"
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else failures = failures + 1 end
end

function done(summary, latency, requests)
  local o, x = 0, 0
  for _, thread in ipairs(threads) do
    o = o + thread:get("ok")
    x = x + thread:get("failures")
  end
  local e = summary.errors
  io.write(string.format(
    '{"kind":"healthz","ok":%d,"failures":%d,"requests":%d,"duration_us":%d,' ..
    '"socket_errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    o, x, summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
