"""Session archives: one zip per session with a signed manifest, verifiable offline years later.

``layout`` names every member of an archive; the venue writes archives
(:mod:`evaluator_app.venue.results.archive_export`) and :mod:`evaluator_app.archive.verify`
checks them with no network, for ``evaluator verify ARCHIVE.zip`` and the centre workspace alike.
"""
