-- wrk script: a send_text_message tool call (JSON-RPC tools/call) over the one MCP session
-- that BENCH_MCP_SESSION names, as the account whose token is BENCH_PAT.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_PAT")
wrk.headers["Mcp-Session-Id"] = os.getenv("BENCH_MCP_SESSION")
wrk.headers["Mcp-Protocol-Version"] = os.getenv("BENCH_MCP_VERSION")
-- A session answers each request id once: every call carries its own.
local calls = 0
local call = '{"jsonrpc": "2.0", "id": %d, "method": "tools/call", "params": {"name": "send_text_message", '
  .. '"arguments": {"session_id": 1, "to": "+15551234567", "text": "Hello from a tool"}}}'

request = function()
  calls = calls + 1
  return wrk.format(nil, nil, nil, string.format(call, calls))
end

-- wrk loads a script by its path: report.lua sits beside it.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
