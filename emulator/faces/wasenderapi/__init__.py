"""The WasenderAPI face: one module per section of the vendor's docs, its OpenAPI builder, its MCP server."""
