"""Parley chat gateway: streams LLM conversations to browser clients over WebSockets."""

__version__ = "1.0.3"
