-- wrk script: every request GETs a random URL of the list in BENCH_URLS, with BENCH_AUTH as its Authorization
-- header (and BENCH_IMS as If-Modified-Since for the revalidation run). Requests are formatted once, up front, so
-- the client's own cost stays small next to nginx's. Prints one JSON line when done.
local urls = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
  urls[#urls + 1] = line
end

local headers = { ["Authorization"] = os.getenv("BENCH_AUTH") }
local ims = os.getenv("BENCH_IMS")
if ims and ims ~= "" then
  headers["If-Modified-Since"] = ims
end

local requests = {}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  for i, url in ipairs(urls) do
    requests[i] = wrk.format("GET", url, headers)
  end
end

function request()
  return requests[math.random(#requests)]
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"bytes_per_s":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"non2xx":%d,"socket_errors":%d}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
