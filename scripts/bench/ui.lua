-- wrk script of scripts/bench/ui.sh: every request GETs a random URL of the list in BENCH_URLS with the signed-in
-- session's cookies (BENCH_COOKIE). Counts answers other than 200: wrk itself counts only 4xx/5xx as errors, and a
-- lost session answers 302 to the sign-in page, fast and meaningless. Prints one JSON line when done.
local urls = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
  urls[#urls + 1] = line
end

local headers = { ["Cookie"] = os.getenv("BENCH_COOKIE"), ["Accept"] = "text/html" }
local requests = {}
local threads = {}
not200 = 0

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  for i, url in ipairs(urls) do
    requests[i] = wrk.format("GET", url, headers)
  end
end

function request()
  return requests[math.random(#requests)]
end

function response(status, headers, body)
  if status ~= 200 then
    not200 = not200 + 1
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not200")
  end
  io.write(string.format(
    'BENCHJSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"bytes_per_s":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"non200":%d,"socket_errors":%d}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    bad, e.connect + e.read + e.write + e.timeout))
end
