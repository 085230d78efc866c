"""/calidad: the latest pipeline run's checks, and whether its snapshot is the one served."""

from __future__ import annotations

from services.analytics import schemas as s
from services.analytics.cache import SnapshotCache, State

PATH = "/calidad"


def calidad_json(cache: SnapshotCache) -> bytes | None:
    """The /calidad body (None when no run has been recorded yet), rendered once per state
    of the cache: a run recorded or a snapshot swapped in gives a new state. Kept in that
    state under ``PATH``, which is what the fast path replays."""
    state = cache.state
    if PATH not in state.rendered:
        body = calidad_of(state)
        state.rendered[PATH] = None if body is None else body.model_dump_json().encode()
    return state.rendered[PATH]


def calidad_of(state: State) -> s.Calidad | None:
    record = state.last_run
    if record is None:
        return None
    served = state.served
    bundle = served.bundle if served else None
    return s.Calidad(
        as_of=bundle.as_of if bundle else None,
        run_id=bundle.run_id if bundle else None,
        ok=record.ok,
        ejecucion=record.run_id,
        terminada_en=record.terminada_en,
        sirviendo_ultima=bundle is not None and bundle.run_id == record.run_id,
        checks=[
            s.CheckCalidad(
                nombre=c.nombre,
                origen=c.origen,
                ok=c.ok,
                estado=c.estado,
                severidad=c.severidad,
                objeto=c.objeto,
                detalle=c.detalle,
            )
            for c in sorted(record.checks, key=_order)
        ],
    )


_ORDER = {"fail": 0, "error": 0, "skipped": 1, "warn": 2, "pass": 3}


def _order(check) -> tuple:
    """Failures first, then what they kept from running, then warnings, then passes."""
    return (_ORDER.get(check.estado, 0), check.origen, check.nombre)
