-- wrk script: each connection waits `delay_ms` (first argument) between requests, so the run
-- holds a chosen rate instead of the most the server can take; prints the figures as JSON.
local pause = 0

function init(args)
  pause = tonumber(args[1])
end

function delay()
  return pause
end

function done(summary, latency, requests)
  io.write(string.format(
    "JSON {\"p50_us\": %d, \"p99_us\": %d, \"requests\": %d, \"seconds\": %f, \"bad_status\": %d, \"socket_errors\": %d}\n",
    latency:percentile(50), latency:percentile(99), summary.requests, summary.duration / 1e6,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
