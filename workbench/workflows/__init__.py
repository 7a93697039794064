"""Use cases that combine io, store and nlp (importing, the demo study, reports).

Sits at the bootstrap layer: the CLI and the TUI call these; they never import
Textual.
"""
