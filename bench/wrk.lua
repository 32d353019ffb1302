-- wrk script: rotate over the (path, header[, body]) lines of $BENCH_REQUESTS — a line with a
-- body is a JSON POST — stop each thread after $BENCH_MAX_REQUESTS responses (wrk's -d bounds
-- the time), print one JSON line at the end.
local lines = {}
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")
local responses = 0
local counter = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local path, header, body = line:match("^(%S+)\t([^\t]*)\t?(.*)$")
    local headers = {}
    local name, value = header:match("^([^:]+): (.*)$")
    if name ~= nil then headers[name] = value end
    if body ~= nil and body ~= "" then
      headers["Content-Type"] = "application/json"
      table.insert(lines, wrk.format("POST", path, headers, body))
    else
      table.insert(lines, wrk.format("GET", path, headers))
    end
  end
  counter = math.random(#lines)
end

function request()
  counter = counter % #lines + 1
  return lines[counter]
end

function response(status, headers, body)
  responses = responses + 1
  if max_requests > 0 and responses >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p95": %d, "p99": %d, ' ..
    '"mean": %.1f, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
