"""Renderers for the analysis exports: frozen results from ``workbench.core.summary`` in,
bytes out (``render_*(data, out: BinaryIO)``).

No store, SQL, Textual or spaCy here. ``write.write_atomic`` writes a file owner-only
(0600) through a temporary file, so a crash never leaves half a file.
"""
