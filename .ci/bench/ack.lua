-- wrk script: each request acknowledges a policy as the next person in the thread's list
-- (`<prefix><thread>.txt`, one "cookie<TAB>slug" line each), so every request is a new ledger
-- write and no two threads act for the same person.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local lines = {}
local next_line = 1

function init(args)
  for line in io.lines(args[1] .. id .. ".txt") do
    lines[#lines + 1] = line
  end
end

function request()
  local line = lines[next_line]
  if line == nil then
    -- Out of people: ask for something harmless, and say so in the results.
    return wrk.format("GET", "/nobody-left")
  end
  next_line = next_line + 1
  local cookie, slug = line:match("([^\t]+)\t([^\t]+)")
  return wrk.format("POST", "/api/training/acknowledge", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["Sec-Fetch-Site"] = "same-origin",
    ["Cookie"] = cookie,
  }, "slug=" .. slug .. "&accept=yes")
end

function done(summary, latency, requests)
  io.write(string.format(
    "JSON {\"p50_us\": %d, \"p99_us\": %d, \"requests\": %d, \"seconds\": %f, \"bad_status\": %d, \"socket_errors\": %d}\n",
    latency:percentile(50), latency:percentile(99), summary.requests, summary.duration / 1e6,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
