"""REFI-QDA (QDA-XML 1.0) projects (.qdpx) and codebooks (.qdc): pure readers and writers.

``reader.read_refi(path) -> RefiProject`` and ``writer.write_qdpx/write_qdc(project) ->
bytes`` work on the frozen dataclasses of ``model.py``; nothing here touches the
project store. See ``workbench.workflows.refi`` for the mapping to the domain.
"""

from workbench.io.refi.model import RefiProject
from workbench.io.refi.reader import read_refi
from workbench.io.refi.writer import write_qdc, write_qdpx

__all__ = ["RefiProject", "read_refi", "write_qdc", "write_qdpx"]
