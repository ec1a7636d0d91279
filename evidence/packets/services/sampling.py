"""Sample sizes by control frequency and a reproducible draw from a control's population.

Sizes follow the common audit guidance for tests of operating effectiveness (AICPA audit guide,
the Big Four's tables): annual 1, quarterly 2, monthly 2, weekly 5, daily 25, many times a day
25 to 60 (25 here). A control whose frequency is an event or unknown is treated as many times a
day. A packet can override any of them; the sizes and the seed are recorded in the manifest.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import TypeVar

from django.core.exceptions import ValidationError

SAMPLE_SIZES: dict[str, int] = {
    "annual": 1,
    "semiannual": 1,
    "quarterly": 2,
    "monthly": 2,
    "weekly": 5,
    "daily": 25,
    "continuous": 25,
    "event": 25,
}
DEFAULT_FREQUENCY = "continuous"
MAX_SAMPLE_SIZE = 366
Item = TypeVar("Item")


def sample_sizes_clean(overrides: Mapping[str, int] | None) -> dict[str, int]:
    """The packet's sizes: the defaults with the given frequencies overridden (validated)."""
    sizes = dict(SAMPLE_SIZES)
    for frequency, size in (overrides or {}).items():
        if frequency not in SAMPLE_SIZES:
            known = ", ".join(SAMPLE_SIZES)
            raise ValidationError({"sample_sizes": f"Unknown frequency {frequency!r} ({known})."})
        if not isinstance(size, int) or not 1 <= size <= MAX_SAMPLE_SIZE:
            raise ValidationError(
                {"sample_sizes": f"{frequency}: a whole number from 1 to {MAX_SAMPLE_SIZE}."}
            )
        sizes[frequency] = size
    return sizes


def sample_size(frequency: str, sizes: Mapping[str, int]) -> int:
    key = frequency.strip().lower().replace("-", "").replace(" ", "")
    return int(sizes.get(key) or sizes.get(DEFAULT_FREQUENCY) or SAMPLE_SIZES[DEFAULT_FREQUENCY])


def sample_draw(population: Sequence[Item], *, size: int, seed: str, ref: str) -> list[Item]:
    """``size`` items (all when fewer exist), in population order, drawn by
    ``random.Random(f"{seed}:{ref}")`` so each control's draw is independent and repeatable."""
    rng = random.Random(f"{seed}:{ref}")  # noqa: S311 (reproducible, not secret)
    chosen = set(rng.sample(range(len(population)), min(size, len(population))))
    return [item for index, item in enumerate(population) if index in chosen]
