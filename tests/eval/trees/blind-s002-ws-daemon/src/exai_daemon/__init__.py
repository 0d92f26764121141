"""EXAI WebSocket daemon: runs MCP tool calls against Kimi and GLM."""

__version__ = "0.9.2"
