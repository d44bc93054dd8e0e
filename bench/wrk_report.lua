-- wrk's summary as one JSON line (bench/load.py reads it): requests, seconds, latency
-- percentiles in microseconds, and the errors wrk counts (connect, read, write, timeout, and
-- answers outside 2xx/3xx).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50_us": %d, "p95_us": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    e.connect, e.read, e.write, e.status, e.timeout))
end
