-- wrk script: one distinct run per request, cancel or get, against exprun, the ceiling or the FastAPI peer.
--   wrk -t2 -c32 -d10s --latency -s bench/lua/runs.lua http://127.0.0.1:PORT -- cancel|get IDS_FILE API_KEY
-- Thread k of n takes ids k, k+n, k+2n, ... so no two requests share a run. A cancel that runs out of ids sends a
-- run id that does not exist (404, counted as an error): the script that drives this makes sure there are enough.
-- done() prints one tab-separated line: requests, req/s, p50, p99, p99.9, max (ms), errors.

local threads = {}
local created = 0

function setup(thread)
   thread:set("index", created)
   created = created + 1
   table.insert(threads, thread)
end

function init(args)
   mode = args[1]
   local ids_file = args[2]
   local key = args[3]
   ids = {}
   for line in io.lines(ids_file) do
      ids[#ids + 1] = line
   end
   if #ids == 0 then
      error("no run ids in " .. ids_file)
   end
   step = tonumber(os.getenv("WRK_THREADS") or "2")
   i = index + 1
   headers = { ["Authorization"] = "Bearer " .. key }
   method = (mode == "cancel") and "POST" or "GET"
end

function request()
   local id = ids[i]
   if id == nil then
      if mode == "cancel" then
         id = "exprun_ran_out_of_ids"
      else
         i = index + 1
         id = ids[i]
      end
   end
   i = i + step
   local path = "/v1/workflows/experiments/runs/" .. id
   if mode == "cancel" then
      path = path .. "/cancel"
   end
   return wrk.format(method, path, headers)
end

function done(summary, latency, requests)
   local e = summary.errors
   local errors = e.connect + e.read + e.write + e.status + e.timeout
   io.write(string.format("%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\n", summary.requests,
      summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
      latency:percentile(99.9) / 1e3, latency.max / 1e3, errors))
end
