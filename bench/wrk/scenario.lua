-- One benchmark scenario for wrk: requests go round the paths in BENCH_PATHS (a file,
-- one path a line), each thread starting at its own offset, with BENCH_TOKEN as the
-- bearer token; BENCH_METHOD and BENCH_BODY (a file) make it a POST. At the end one line
-- "BENCH {json}" carries the figures bench/run.py reads.
local paths = {}
local counter = 0
local threads = {}

local function read_lines(name)
  local lines = {}
  for line in io.lines(name) do
    if line ~= "" then lines[#lines + 1] = line end
  end
  return lines
end

function setup(thread)
  thread:set("offset", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  paths = read_lines(os.getenv("BENCH_PATHS"))
  counter = (offset or 0) * 7919
  wrk.method = os.getenv("BENCH_METHOD") or "GET"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
  local body_file = os.getenv("BENCH_BODY")
  if body_file and body_file ~= "" then
    local f = io.open(body_file, "r")
    wrk.body = f:read("*a")
    f:close()
    wrk.headers["Content-Type"] = "application/json"
  end
end

function request()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"timeouts":%d,"non_2xx":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write,
    e.timeout, e.status))
end
