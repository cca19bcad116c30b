"""What a session produced: the summary, returned sheets, drafts, the report, the archive."""
