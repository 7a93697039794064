"""Worker processes for the team tests (run as scripts: concurrency and kill -9 tests).

python _team_workers.py code PROJECT CODER DOCUMENT_ID N START_AT
    add N codings as CODER (undoing every 10th right away), printing each id
python _team_workers.py import PROJECT FOLDER DELAY
    import a folder through the import workflow, printing each stored document
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def code(project: str, coder: str, document_id: str, n: str, start_at: str) -> None:
    from workbench.bootstrap import open_workbench
    from workbench.core.settings import Settings

    wb = open_workbench(Settings(project=project), upgrade=False)
    s = wb.store
    me = s.ensure_coder(coder)
    codes = [c.id for c in s.codes()]
    doc = int(document_id)
    delay = float(start_at) - time.time()
    if delay > 0:
        time.sleep(delay)
    t0 = time.perf_counter()
    for i in range(int(n)):
        c = s.add_coding(doc, codes[i % len(codes)], me.id, i, i + 5 + i % 7)
        print(f"added {c.id}", flush=True)
        if i % 10 == 9:
            s.undo(me.id)
            print(f"undone {c.id}", flush=True)
    print(f"seconds {time.perf_counter() - t0:.3f}", flush=True)
    wb.close()


def import_folder(project: str, folder: str, delay: str) -> None:
    from workbench.bootstrap import open_workbench
    from workbench.core.settings import Settings
    from workbench.workflows.importing import import_transcripts

    wb = open_workbench(Settings(project=project))
    for _progress, outcome in import_transcripts(wb.store, [Path(folder)]):
        if outcome is not None and outcome.status == "imported":
            print(f"stored {outcome.path.name}", flush=True)
            time.sleep(float(delay))
    wb.close()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"code": code, "import": import_folder}[command](*args)
