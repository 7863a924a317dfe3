"""One thing that needs someone's attention, in the shape every provider returns.

The "needs attention" page, a lead's "my actions" page and the e-mail digest all read one list
of :class:`Attention` items, built by small provider functions (:mod:`careassure.attention.
providers`), one per kind of problem. A new kind of problem is one more provider returning these
items; nothing that shows them changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# Kinds in the order a reader should deal with them, with the heading each is listed under.
KINDS: dict[str, str] = {
    "action_past_due": "Actions past their due date",
    "outcome_slipping": "Outcomes slipping",
    "value_due": "Reported values due",
    "evidence_stale": "Evidence past its review date",
    "evidence_due": "Evidence due for review soon",
}


@dataclass(frozen=True)
class Attention:
    """What needs attention, why, where to act on it, and whose it is.

    ``owner`` is the login responsible (an action's workstream lead) or None when the item is
    nobody's in particular; ``due`` is the date it was or is due, for ordering.
    """

    kind: str
    title: str
    reason: str
    href: str
    owner: str | None = None
    due: date | None = None

    @property
    def heading(self) -> str:
        return KINDS.get(self.kind, self.kind)


def ordered(*groups: Iterable[Attention]) -> list[Attention]:
    """Every provider's items in one list: by kind (as :data:`KINDS` orders them; kinds it does
    not know last), then the earliest due first, then by title."""
    rank = {kind: position for position, kind in enumerate(KINDS)}
    items = [item for group in groups for item in group]
    return sorted(
        items,
        key=lambda i: (rank.get(i.kind, len(rank)), i.kind, i.due or date.max, i.title),
    )


def owned_by(items: Iterable[Attention], account: str) -> list[Attention]:
    """The items that are ``account``'s to deal with."""
    return [item for item in items if item.owner == account]
