-- wrk script: create runs of the demo experiment through the API (the benchmark's set-up, not measured).
--   wrk -t2 -c16 -d5s -s bench/lua/create.lua http://127.0.0.1:PORT -- API_KEY
function init(args)
   headers = { ["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json" }
end

function request()
   return wrk.format("POST", "/v1/workflows/experiments/runs", headers, '{"experiment_id":"exp_demo"}')
end

function done(summary, latency, requests)
   io.write(string.format("created-requests\t%d\tstatus-errors\t%d\n", summary.requests, summary.errors.status))
end
