-- POSTs a form body in which every "@@N@@" becomes a per-request counter (unique keys).
-- BENCH_BODY holds the body template; counters are striped by thread so they never collide.
local counter = 0
local template = os.getenv("BENCH_BODY") or ""
thread_id = 0  -- a global: thread:set() in setup gives each thread its own
local next_id = 0
setup = function(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end
request = function()
  counter = counter + 1
  local n = string.format("%d%08d", thread_id, counter)
  local body = template:gsub("@@N@@", n)
  return wrk.format("POST", nil, nil, body)
end
-- Prints one JSON line (prefixed BENCHJSON) with throughput, errors and latency percentiles.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d,' ..
    ' "status": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
