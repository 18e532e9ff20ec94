-- wrk script: a send_text_message tool call (JSON-RPC tools/call) as the account whose token is
-- BENCH_PAT, in the protocol version BENCH_MCP_VERSION: over the one MCP session that
-- BENCH_MCP_SESSION names (2025-06-18 and earlier), or, without a session, as a self-contained
-- exchange whose params carry BENCH_MCP_META as their _meta (2026-07-28).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_PAT")
wrk.headers["Mcp-Protocol-Version"] = os.getenv("BENCH_MCP_VERSION")
local session = os.getenv("BENCH_MCP_SESSION") or ""
if session ~= "" then
  wrk.headers["Mcp-Session-Id"] = session
else  -- an exchange names its method and tool in headers too
  wrk.headers["Mcp-Method"] = "tools/call"
  wrk.headers["Mcp-Name"] = "send_text_message"
end
local meta = os.getenv("BENCH_MCP_META") or ""
if meta ~= "" then meta = ', "_meta": ' .. meta end
-- A session answers each request id once: every call carries its own.
local calls = 0
local call = '{"jsonrpc": "2.0", "id": %d, "method": "tools/call", "params": {"name": "send_text_message", '
  .. '"arguments": {"session_id": 1, "to": "+15551234567", "text": "Hello from a tool"}' .. meta:gsub("%%", "%%%%") .. '}}'

request = function()
  calls = calls + 1
  return wrk.format(nil, nil, nil, string.format(call, calls))
end

-- wrk loads a script by its path: report.lua sits beside it.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
