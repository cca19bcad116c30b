"""Sessions: creation, phases, pause, broadcasts, absence, and the views each role gets."""
