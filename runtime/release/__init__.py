"""Release routing: which version serves an order (canary buckets, segments) and the automatic guardrail.

See ``docs/release.md``.
"""
