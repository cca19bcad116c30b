"""The asyncio side of the application, without Qt: venue connection, cache, journal, outbox."""
