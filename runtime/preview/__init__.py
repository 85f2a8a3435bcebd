"""Impact preview: replay recorded orders through a draft or candidate version and through the active one,
each order on its own recorded input snapshot, and report what would change (see ``docs/preview.md``).

| module | what it holds |
|---|---|
| ``core.py`` | ``run_preview(records, proposed, baseline, …)``: the pure core (API thread, Celery, bench) |
| ``replay.py`` | one order through one version with the dry run's sandbox → an ``Outcome`` |
| ``report.py`` | kinds of change and the report the outcomes add up to |
| ``overlay.py`` | what-if overlays on a recorded snapshot ("hz closed", "weather orange in east") |
| ``records.py`` | the recorded orders and snapshots to replay, the sub-flow versions, from the store |
| ``jobs.py`` | previews as stored jobs: ask, run (thread or Celery), progress, read |
"""

from runtime.preview.core import Recorded, run_preview
from runtime.preview.jobs import ask_preview, execute_preview, get_preview, list_previews

__all__ = ["Recorded", "ask_preview", "execute_preview", "get_preview", "list_previews", "run_preview"]
