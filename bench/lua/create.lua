-- wrk script: create runs of the demo experiment through the API (the benchmark's set-up, not measured), and keep
-- the id of each created run from its answer.
--   wrk -t2 -c16 -d5s -s bench/lua/create.lua http://127.0.0.1:PORT -- API_KEY OUT_PREFIX
-- Each wrk thread appends its ids to OUT_PREFIX.<thread>. done() prints two lines: the point as runs.lua prints it
-- (requests, req/s, p50, p99, p99.9, max in ms, errors), for a measured create point, then, last, how many requests
-- were sent.
local created = 0

function setup(thread)
   thread:set("index", created)
   created = created + 1
end

function init(args)
   headers = { ["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json" }
   out = io.open(args[2] .. "." .. index, "a")
   out:setvbuf("line")
end

function request()
   return wrk.format("POST", "/v1/workflows/experiments/runs", headers, '{"experiment_id":"exp_demo"}')
end

function response(status, headers, body)
   if status >= 200 and status < 300 then
      local id = body:match('"id"%s*:%s*"([^"]+)"')
      if id then
         out:write(id, "\n")
      end
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\n", summary.requests,
      summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
      latency:percentile(99.9) / 1e3, latency.max / 1e3, e.connect + e.read + e.write + e.status + e.timeout))
   io.write(string.format("created-requests\t%d\tstatus-errors\t%d\n", summary.requests, summary.errors.status))
end
