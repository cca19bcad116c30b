"""Witnesses of the main venue's transparency log (issue 12, item 2).

``service``: what a witness runs (a secondary venue, the centre): it countersigns a venue's tree
head only when it extends the last one it countersigned, and keeps what it signed and refused in
its ``book``. ``ask``: the main venue asks its witnesses at every phase change and every N
entries and records their cosignatures in its own log (``record``).
"""
