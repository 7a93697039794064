"""Importers and exporters: transcripts (txt, md, docx, vtt, srt), attributes, REFI-QDA.

Import the submodules directly (``from workbench.io.transcripts import read_transcript``);
this package does not import them eagerly, so ``workbench.io.refi`` stays light.
"""
