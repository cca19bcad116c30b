"""The venue service that hosts evaluation sessions (aiohttp, no Qt)."""
