"""The event hub (sequence numbers, WebSocket fan-out) and the presence of the experts."""
