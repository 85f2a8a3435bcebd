"""One module per schema revision, oldest first (``0001_…``); each has ``upgrade`` and ``downgrade``."""
