-- wrk script: prints the run's figures as one JSON line for bench.py.
function done(summary, latency, requests)
  io.write(string.format(
    "JSON {\"p50_us\": %d, \"p99_us\": %d, \"requests\": %d, \"seconds\": %f, \"bad_status\": %d, \"socket_errors\": %d}\n",
    latency:percentile(50), latency:percentile(99), summary.requests, summary.duration / 1e6,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
