"""The documented remote MCP server (/mcp): every WasenderAPI tool over the REST API's own routes."""
