// An agent's short flow through the official MCP TypeScript SDK: list the sessions, send a
// text from the connected one, read the message's info. Prints one JSON line.
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StreamableHTTPClientTransport } = require("@modelcontextprotocol/sdk/client/streamableHttp.js");

async function main() {
  const transport = new StreamableHTTPClientTransport(new URL(process.env.MCP_URL), {
    requestInit: { headers: { Authorization: `Bearer ${process.env.PERSONAL_ACCESS_TOKEN}` } },
  });
  const client = new Client({ name: "wasender-emulator-checks", version: "1.0.0" });
  await client.connect(transport);
  const data = (result) => JSON.parse(result.content[0].text).data;

  const tools = (await client.listTools()).tools.map((tool) => tool.name);
  const sessions = data(await client.callTool({ name: "list_whatsapp_sessions", arguments: {} }));
  const connected = sessions.find((session) => session.status === "connected");
  const sent = data(await client.callTool({
    name: "send_text_message",
    arguments: { session_id: connected.id, to: process.env.TO, text: "Hello from an agent" },
  }));
  const info = data(await client.callTool({
    name: "get_message_info", arguments: { session_id: connected.id, msg_id: sent.msgId },
  }));
  const refused = await client.callTool({ name: "get_session_user", arguments: { session_id: 999999 } });
  await client.close();
  console.log(JSON.stringify({
    tools, session: connected.id, sent, info, refused: { isError: refused.isError, text: refused.content[0].text },
  }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
