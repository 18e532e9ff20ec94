-- wrk script: POST /api/send-message with a text message, the hot path.
-- The API key is BENCH_API_KEY, or each line of BENCH_KEYS_FILE in turn to spread the sends
-- over many sessions.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"to": "+15551234567", "text": "Hello from the benchmark"}'

local keys_file = os.getenv("BENCH_KEYS_FILE")
if keys_file then
  local keys, sent = {}, 0
  for line in io.lines(keys_file) do keys[#keys + 1] = "Bearer " .. line end
  request = function()
    sent = sent + 1
    wrk.headers["Authorization"] = keys[sent % #keys + 1]
    return wrk.format()
  end
else
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_API_KEY")
end

-- wrk loads a script by its path: report.lua sits beside it.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
