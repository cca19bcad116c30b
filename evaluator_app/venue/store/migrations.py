"""Versioned schema migrations of the venue store, SQLite dialect (pg_migrations.py: PostgreSQL).

``PRAGMA user_version`` holds the number of migrations applied. A migration is never edited
once released: a change is a new entry at the end.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the initial schema
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        project_json TEXT NOT NULL,          -- the project file, as submitted (canonical text)
        lot_id TEXT NOT NULL,
        main_venue TEXT NOT NULL,
        phase TEXT NOT NULL,
        paused_in TEXT,
        leader_id TEXT,
        scheduled_start TEXT,
        phase_since TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    );
    CREATE TABLE members (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        person_id TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('expert', 'supervisor', 'centre')),
        venue TEXT NOT NULL,
        seat TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'assigned',   -- assigned, recused, absent, replaced
        organisation TEXT NOT NULL DEFAULT '',
        city TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (session_id, person_id)
    );
    CREATE TABLE people (
        person_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('expert', 'supervisor', 'centre')),
        venue TEXT NOT NULL,
        organisation TEXT NOT NULL DEFAULT '',
        city TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE workstations (
        id TEXT PRIMARY KEY,
        venue TEXT NOT NULL,
        seat TEXT NOT NULL,
        enrolment_hash TEXT,                  -- sha256 of the one-time enrolment code
        cert_sha256 TEXT,
        enrolled_at TEXT
    );
    CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        workstation_id TEXT NOT NULL,
        role TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE nonces (
        nonce TEXT PRIMARY KEY,
        expires_at TEXT NOT NULL,
        used INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE artefacts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        kind TEXT NOT NULL,                   -- an artefact kind (protocol/kinds.py)
        person_id TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        idempotency_key TEXT NOT NULL UNIQUE,
        content BLOB NOT NULL,                -- the canonical JSON that was signed
        signature BLOB NOT NULL,              -- detached CMS
        pdf BLOB,                             -- PAdES-signed PDF, for score sheets
        content_sha256 TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'accepted',   -- accepted, returned (replaced later)
        receipt BLOB,
        receipt_signature BLOB,
        accepted_at TEXT NOT NULL
    );
    CREATE INDEX artefacts_by_session ON artefacts(session_id, kind, person_id);
    CREATE TABLE drafts (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        person_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        content TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (session_id, person_id)
    );
    CREATE TABLE documents (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        doc_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        title TEXT NOT NULL,
        bidder_id TEXT,
        PRIMARY KEY (session_id, doc_id)
    );
    CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT,
        kind TEXT NOT NULL,
        audience TEXT NOT NULL,               -- all, staff (supervisors+centre), person:<id>
        payload TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        session_id TEXT,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
    );
    CREATE TABLE checkpoints (
        audit_seq INTEGER PRIMARY KEY REFERENCES audit(seq),
        content BLOB NOT NULL,
        signature BLOB NOT NULL,
        at TEXT NOT NULL
    );
    """,
    # 2: the evaluation report and its signatures, one revision per signature
    """
    CREATE TABLE report_revisions (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        revision INTEGER NOT NULL,           -- 0: generated; then one per member's signature
        kind TEXT NOT NULL,                  -- generated, signature
        person_id TEXT NOT NULL,             -- 'venue' for the generated report
        pdf BLOB NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (session_id, revision)
    );
    """,
    # 3: collusion and fraud warnings (围标串标预警) of a session's bids
    """
    CREATE TABLE collusion (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id),
        status TEXT NOT NULL,                 -- running, done, failed
        stage TEXT NOT NULL DEFAULT '',
        done INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0,
        result TEXT,                          -- AnalysisResult.to_dict() as JSON
        error TEXT,
        updated_at TEXT NOT NULL
    );
    """,
    # 4: the bid packages' machine codes, upload addresses and bills of quantities
    """
    ALTER TABLE sessions ADD COLUMN packages TEXT NOT NULL DEFAULT '[]';
    """,
    # 5: the expert draw's record (专家抽取记录), attached when the session opens
    """
    CREATE TABLE session_draws (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id),
        bundle BLOB NOT NULL,                 -- zip of draw/<draw_id>/... (protocol.draw)
        sha256 TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    # 6: presence in the store (every worker of a PostgreSQL venue sees it; see presence.py),
    # session alerts raised once, who holds a socket on which worker
    """
    CREATE TABLE presence (
        session_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        presence TEXT NOT NULL,
        items_scored INTEGER NOT NULL DEFAULT 0,
        last_beat REAL NOT NULL,              -- epoch seconds of the last heartbeat
        last_activity TEXT NOT NULL,
        alerted TEXT NOT NULL DEFAULT '',     -- alerts raised in this absence, comma-separated
        PRIMARY KEY (session_id, person_id)
    );
    CREATE TABLE session_alerts (
        session_id TEXT NOT NULL,
        alert_key TEXT NOT NULL,
        PRIMARY KEY (session_id, alert_key)
    );
    CREATE TABLE leases (                   -- background work one worker does at a time
        name TEXT PRIMARY KEY,                -- e.g. collusion:<session>
        worker TEXT NOT NULL,
        until REAL NOT NULL                 -- epoch seconds; renewed while the worker lives
    );
    CREATE TABLE requests (                 -- Idempotency-Key of a POST, marked as it commits
        scope TEXT NOT NULL,                  -- sha256 of the caller's token
        key TEXT NOT NULL,
        at REAL NOT NULL,
        status INTEGER,                       -- the answer, once sent (NULL: applied, answer lost)
        body BLOB,
        PRIMARY KEY (scope, key)
    );
    CREATE TABLE sockets (
        worker TEXT NOT NULL,                 -- which worker process holds the WebSocket
        person_id TEXT NOT NULL,
        seen_at REAL NOT NULL,                -- refreshed while the worker lives
        PRIMARY KEY (worker, person_id)
    );
    """,
)
