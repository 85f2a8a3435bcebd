"""Orderloom runtime: configuration now; the order core and flow engine come in later issues."""
