"""Test-only fault points: ``CLOUDBANK_FAULT_POINT=after_pending`` (the transaction is
recorded PENDIENTE, cuentas not called yet) or ``after_posting`` (cuentas has answered, the
answer is not recorded yet) makes the process exit abruptly, with no clean-up, at that step
of the posting protocol; ``after_posting@5`` waits for the fifth time. Crash-safety tests use it; unset, it costs one
attribute read."""

from __future__ import annotations

import logging
import os
from collections import Counter

from services.common.settings import get_settings

POINTS = ("after_pending", "after_posting")
EXIT_CODE = 86

log = logging.getLogger("cloudbank.transacciones.faults")
_reached: Counter[str] = Counter()


def fault_point(name: str) -> None:
    spec = get_settings().fault_point
    if not spec:
        return
    point, _, nth = spec.partition("@")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] >= int(nth or 1):
        log.warning("fault point %s reached: exiting", spec)
        os._exit(EXIT_CODE)
