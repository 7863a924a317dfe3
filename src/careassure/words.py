"""Counts written in words, shared by every package that writes sentences for people.

A committee paper that says "1 evidence items" reads as careless, so every count written beside
its noun goes through :func:`counted`, which also keeps the thousands separator the figures use.
"""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 evidence item", "3 evidence items", "1,203 people" (``plural`` for irregular nouns)."""
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"
