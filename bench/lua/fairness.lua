-- wrk script for bench/run-fairness.sh: one tenant's gets or lists, or /healthz probes.
--   wrk -t2 -c16 -d20s -s bench/lua/fairness.lua http://127.0.0.1:PORT -- lists API_KEY [honor|ignore]
--   wrk -t2 -c64 -d20s -s bench/lua/fairness.lua http://127.0.0.1:PORT -- gets API_KEY [honor|ignore] IDS_FILE
--   wrk -t1 -c1 -d20s -s bench/lua/fairness.lua http://127.0.0.1:PORT -- healthz
-- lists: GET /v1/workflows/experiments/runs with a random limit from 50 to 100 and a random order, as the tenant that
-- saturated the server in issue 23. gets: GET one of the runs in IDS_FILE (one id a line), at random. A 429 is answered
-- with its Retry-After: with "honor" (the default) the connection that sends next waits that long first, as a
-- well-behaved client would; with "ignore" it does not wait (a client hammering the server).
-- done() prints one tab-separated line: requests, req/s, p50, p99, p99.9, max (ms), errors, 429s, 503s. A 429 or a
-- 503 is not an error here (they are counted apart); any other status but 200 is.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   mode = args[1]
   retry = args[3] or "honor"
   math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
   if mode == "lists" or mode == "gets" then
      headers = { ["Authorization"] = "Bearer " .. args[2] }
   else
      headers = {}
   end
   ids = {}
   if mode == "gets" then
      for line in io.lines(args[4]) do
         ids[#ids + 1] = line
      end
      if #ids == 0 then
         error("no run ids in " .. args[4])
      end
   end
   refused = 0
   unavailable = 0
   failed = 0
   backoff = 0
   wait_ms = 0
end

function request()
   if mode == "lists" then
      local order = (math.random(2) == 1) and "asc" or "desc"
      return wrk.format("GET", "/v1/workflows/experiments/runs?limit=" .. math.random(50, 100) .. "&order=" .. order,
         headers)
   elseif mode == "gets" then
      return wrk.format("GET", "/v1/workflows/experiments/runs/" .. ids[math.random(#ids)], headers)
   end
   return wrk.format("GET", "/healthz", headers)
end

function delay()
   if backoff > 0 then
      backoff = backoff - 1
      return wait_ms
   end
   return 0
end

function response(status, hdrs, body)
   if status == 429 or status == 503 then
      if status == 429 then
         refused = refused + 1
      else
         unavailable = unavailable + 1
      end
      if retry == "honor" then
         backoff = backoff + 1
         wait_ms = 1000 * tonumber(hdrs["Retry-After"] or hdrs["retry-after"] or "1")
      end
   elseif status ~= 200 then
      failed = failed + 1
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   local refusedAll, unavailableAll, failedAll = 0, 0, 0
   for _, t in ipairs(threads) do
      refusedAll = refusedAll + (t:get("refused") or 0)
      unavailableAll = unavailableAll + (t:get("unavailable") or 0)
      failedAll = failedAll + (t:get("failed") or 0)
   end
   local errors = e.connect + e.read + e.write + e.timeout + failedAll
   io.write(string.format("%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%d\t%d\n", summary.requests,
      summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
      latency:percentile(99.9) / 1e3, latency.max / 1e3, errors, refusedAll, unavailableAll))
end
