/** Transactions: create any tipo, list with filters and pagination, reverse. */
import { useRef, useState } from "react";
import { ActionKey } from "../api/idempotency";
import { transaccionesApi } from "../api/services";
import {
  ESTADOS_TRANSACCION,
  MONEDAS,
  TIPOS_REGISTRADOS,
  TIPOS_TRANSACCION,
  type EstadoTransaccion,
  type Moneda,
  type TipoRegistrado,
  type TipoTransaccion,
  type Transaccion,
  type TransaccionFilters,
} from "../api/types";
import { useAuth } from "../auth";
import { TransaccionForm, type TxDraft } from "../components/TransaccionForm";
import { ConfirmDialog, EstadoBadge, ErrorAlert, Loading, Notice, Pagination, SelectField, TextField } from "../components/ui";
import { estadoLabel, formatDateTime, formatMoney, motivoLabel, tipoLabel } from "../format";
import { useAction, useAsync } from "../hooks";
import { useLocation } from "../router";

const LIMIT = 25;

/** A local calendar day as the UTC instant it starts (the API's timestamps are UTC). */
function dayStart(day: string, plusDays = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).toISOString();
}

export default function TransaccionesPage() {
  const { can } = useAuth();
  const { params } = useLocation();
  const initial: Partial<TxDraft> = {};
  const tipoParam = params.get("tipo");
  if (tipoParam && (TIPOS_TRANSACCION as string[]).includes(tipoParam)) initial.tipo = tipoParam as TipoTransaccion;
  if (params.get("origen")) initial.origen = params.get("origen")!;
  if (params.get("destino")) initial.destino = params.get("destino")!;

  const [filters, setFilters] = useState<TransaccionFilters>({ cuenta_id: Number(params.get("cuenta")) || "" });
  const [dias, setDias] = useState({ desde: "", hasta: "" });
  const [offset, setOffset] = useState(0);
  const [result, setResult] = useState<Transaccion | null>(null);
  const [reversing, setReversing] = useState<Transaccion | null>(null);
  const reverseKey = useRef(new ActionKey()).current;

  const list = useAsync(
    (signal) =>
      transaccionesApi.list(
        { ...filters, desde: dayStart(dias.desde), hasta: dayStart(dias.hasta, 1), limit: LIMIT, offset },
        signal,
      ),
    [JSON.stringify(filters), dias.desde, dias.hasta, offset],
  );
  const setFilter = (patch: Partial<TransaccionFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setOffset(0);
  };

  const reverse = useAction(async (tx: Transaccion) => {
    const done = await transaccionesApi.reverse(tx.transaccion_id, reverseKey.for({ reversa: tx.transaccion_id }));
    reverseKey.done();
    return done;
  });
  const confirmReverse = async () => {
    if (!reversing) return;
    const r = await reverse.run(reversing);
    if (r?.ok) {
      setResult(r.value);
      setReversing(null);
      list.reload();
    }
  };

  return (
    <section aria-labelledby="tx-title">
      <h1 id="tx-title">Transacciones</h1>
      {result && <TxResult tx={result} />}
      {can("transacciones:write") && (
        <TransaccionForm
          key={params.toString()}
          initial={initial}
          create={transaccionesApi.create}
          onCreated={(tx) => {
            setResult(tx);
            list.reload();
          }}
        />
      )}
      <h2>Historial</h2>
      <div className="filters" role="search" aria-label="Filtros de transacciones">
        <SelectField label="Tipo" name="f-tipo" value={filters.tipo ?? ""} onChange={(e) => setFilter({ tipo: e.target.value as TipoRegistrado | "" })}>
          <option value="">Todos</option>
          {TIPOS_REGISTRADOS.map((t) => (
            <option key={t} value={t}>
              {tipoLabel(t)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Estado" name="f-estado" value={filters.estado ?? ""} onChange={(e) => setFilter({ estado: e.target.value as EstadoTransaccion | "" })}>
          <option value="">Todos</option>
          {ESTADOS_TRANSACCION.map((t) => (
            <option key={t} value={t}>
              {estadoLabel(t)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Moneda" name="f-moneda" value={filters.moneda ?? ""} onChange={(e) => setFilter({ moneda: e.target.value as Moneda | "" })}>
          <option value="">Todas</option>
          {MONEDAS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Cuenta (ID)"
          name="f-cuenta"
          inputMode="numeric"
          value={filters.cuenta_id ?? ""}
          onChange={(e) => setFilter({ cuenta_id: /^\d+$/.test(e.target.value) ? Number(e.target.value) : "" })}
        />
        <TextField label="Desde" name="f-desde" type="date" value={dias.desde} onChange={(e) => { setDias((d) => ({ ...d, desde: e.target.value })); setOffset(0); }} />
        <TextField label="Hasta" name="f-hasta" type="date" value={dias.hasta} onChange={(e) => { setDias((d) => ({ ...d, hasta: e.target.value })); setOffset(0); }} />
      </div>
      <ErrorAlert error={list.error} title="No se pudo cargar el historial" onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <>
          <div className="table-wrap" aria-busy={list.loading}>
            <table>
              <caption className="sr-only">Transacciones</caption>
              <thead>
                <tr>
                  <th scope="col">ID</th>
                  <th scope="col">Fecha</th>
                  <th scope="col">Tipo</th>
                  <th scope="col">Origen</th>
                  <th scope="col">Destino</th>
                  <th scope="col" className="num">Monto</th>
                  <th scope="col">Estado</th>
                  <th scope="col">Descripción</th>
                  <th scope="col">Acciones</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.length === 0 && (
                  <tr>
                    <td colSpan={9}>No hay transacciones con estos filtros.</td>
                  </tr>
                )}
                {list.data.items.map((tx) => (
                  <tr key={tx.transaccion_id}>
                    <td className="mono small">{tx.transaccion_id}</td>
                    <td className="date">{formatDateTime(tx.fecha)}</td>
                    <td>
                      {tipoLabel(tx.tipo)}
                      {tx.reversa_de ? <small className="muted"> de {tx.reversa_de}</small> : null}
                    </td>
                    <td>{tx.cuenta_origen_id ?? "—"}</td>
                    <td>{tx.cuenta_destino_id ?? "—"}</td>
                    <td className="num">{formatMoney(tx.monto, tx.moneda)}</td>
                    <td>
                      <EstadoBadge estado={tx.estado} />
                      {tx.motivo ? <small className="muted"> {motivoLabel(tx.motivo)}</small> : null}
                    </td>
                    <td>{tx.descripcion ?? "—"}</td>
                    <td>
                      {can("transacciones:write") && tx.estado === "COMPLETADA" && tx.tipo !== "REVERSA" && (
                        <button type="button" className="link-button" onClick={() => { reverse.setError(null); setReversing(tx); }}>
                          Revertir<span className="sr-only"> {tx.transaccion_id}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={{ ...list.data, count: list.data.items.length }} onOffset={setOffset} />
        </>
      )}
      {reversing && (
        <ConfirmDialog
          title="Revertir transacción"
          confirmLabel="Revertir"
          danger
          busy={reverse.busy}
          onConfirm={confirmReverse}
          onCancel={() => setReversing(null)}
        >
          <p>
            Se registrará una transacción compensatoria de {formatMoney(reversing.monto, reversing.moneda)} para{" "}
            {tipoLabel(reversing.tipo).toLowerCase()} {reversing.transaccion_id}. La original se conserva.
          </p>
          <ErrorAlert error={reverse.error} title="No se pudo revertir" />
        </ConfirmDialog>
      )}
    </section>
  );
}

function TxResult({ tx }: { tx: Transaccion }) {
  if (tx.estado === "RECHAZADA") {
    return (
      <div className="alert alert-error" role="alert">
        Transacción {tx.transaccion_id} rechazada{tx.motivo ? `: ${motivoLabel(tx.motivo)}.` : "."}
      </div>
    );
  }
  return (
    <Notice kind={tx.estado === "COMPLETADA" ? "success" : "info"}>
      {tipoLabel(tx.tipo)} {tx.transaccion_id} de {formatMoney(tx.monto, tx.moneda)}: {estadoLabel(tx.estado).toLowerCase()}.
    </Notice>
  );
}
