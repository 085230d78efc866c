/** Perfil 360°: search, then the client's profile; a partial profile says so, loudly. */
import { perfilApi } from "../api/services";
import type { PerfilCompleto, ResumenMoneda } from "../api/types";
import { ClientePicker } from "../components/ClientePicker";
import { EstadoBadge, ErrorAlert, Loading } from "../components/ui";
import { formatDate, formatDateTime, formatMoney, sumDecimals, tipoLabel } from "../format";
import { useAsync } from "../hooks";
import { navigate, useLocation } from "../router";

const SECTION_LABELS: Record<string, string> = {
  cuentas: "cuentas",
  transacciones: "transacciones",
  cliente: "datos del cliente",
};

export default function PerfilPage() {
  const { params } = useLocation();
  const clienteId = Number(params.get("cliente")) || null;
  return (
    <section aria-labelledby="perfil-title">
      <h1 id="perfil-title">Perfil 360°</h1>
      <ClientePicker search={perfilApi.buscar} onPick={(c) => navigate(`/perfil?cliente=${c.cliente_id}`)} />
      {clienteId && <Perfil key={clienteId} clienteId={clienteId} />}
    </section>
  );
}

/** Which sections the BFF could not fetch, whatever way it lists them. */
export function failedSections(perfil: PerfilCompleto): string[] {
  return perfil.secciones_fallidas ?? [];
}

export interface BalanceRow {
  moneda: string;
  saldo: string;
  cuentas: number;
  activas: number;
  transacciones?: number | null;
  exacto?: boolean;
  ultimaActividad?: string | null;
}

/** The BFF's summary per currency when it sends one, else computed from the accounts. */
export function balances(perfil: PerfilCompleto): BalanceRow[] {
  if (perfil.resumen_financiero) {
    return perfil.resumen_financiero.map((r: ResumenMoneda) => ({
      moneda: r.moneda,
      saldo: String(r.saldo_total),
      cuentas: r.total_cuentas,
      activas: r.cuentas_activas,
      transacciones: r.total_transacciones,
      exacto: r.total_transacciones_exacto ?? true,
      ultimaActividad: r.ultima_actividad,
    }));
  }
  return balancesByCurrency(perfil.cuentas ?? []);
}

const SENTIDO_LABELS: Record<string, string> = { ENTRADA: "Entrada", SALIDA: "Salida", INTERNA: "Entre sus cuentas" };

/** Balance per currency, summed exactly; never across currencies. */
type SaldoDeCuenta = { moneda: string; saldo: string; estado: string };

export function balancesByCurrency(cuentas: SaldoDeCuenta[]): BalanceRow[] {
  const groups = new Map<string, SaldoDeCuenta[]>();
  for (const c of cuentas) groups.set(c.moneda, [...(groups.get(c.moneda) ?? []), c]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([moneda, list]) => ({
      moneda,
      saldo: sumDecimals(list.map((c) => c.saldo)),
      cuentas: list.length,
      activas: list.filter((c) => c.estado === "activa").length,
    }));
}

function Perfil({ clienteId }: { clienteId: number }) {
  const perfil = useAsync(() => perfilApi.perfil(clienteId), [clienteId]);
  if (perfil.loading && !perfil.data) return <Loading label="Cargando el perfil…" />;
  if (perfil.error && !perfil.data) return <ErrorAlert error={perfil.error} title="No se pudo cargar el perfil" onRetry={perfil.reload} />;
  if (!perfil.data) return null;
  const { cliente, cuentas = [], transacciones_recientes: txs = [] } = perfil.data;
  const failed = failedSections(perfil.data);
  const partial = perfil.data.parcial;
  const cuentasFailed = partial && (failed.length === 0 || failed.some((s) => s.startsWith("cuentas")));
  const txFailed = partial && (failed.length === 0 || failed.some((s) => s.startsWith("transacciones")));
  const numeroDe = new Map(cuentas.map((c) => [c.cuenta_id, c.numero_cuenta]));

  return (
    <div className="perfil" data-testid="perfil">
      {partial && (
        <div className="alert alert-warning banner-partial" role="alert" data-testid="perfil-parcial">
          <strong>Información parcial.</strong> No se pudo obtener:{" "}
          {failed.length ? failed.map((s) => SECTION_LABELS[s] ?? s).join(", ") : "parte de la información"}. Los datos mostrados
          pueden estar incompletos.{" "}
          <button type="button" className="link-button" onClick={perfil.reload}>
            Reintentar
          </button>
        </div>
      )}
      <ErrorAlert error={perfil.error} title="No se pudo actualizar el perfil" onRetry={perfil.reload} />
      <div className="grid-2">
        <article className="card" aria-labelledby="perfil-cliente">
          <h2 id="perfil-cliente">
            {cliente.nombre} {cliente.apellido}
          </h2>
          <dl className="facts">
            <dt>N.º de cliente</dt>
            <dd>{cliente.cliente_id}</dd>
            <dt>Estado</dt>
            <dd>
              <EstadoBadge estado={cliente.estado} />
            </dd>
            <dt>Correo</dt>
            <dd>{cliente.email}</dd>
            <dt>Teléfono</dt>
            <dd>{cliente.telefono ?? "—"}</dd>
            <dt>Cliente desde</dt>
            <dd>{formatDate(cliente.fecha_registro)}</dd>
            {(cliente.documentos ?? []).map((d) => (
              <div key={d.documento_id} className="fact-row">
                <dt>{d.tipo_documento}</dt>
                <dd>{d.numero_documento}</dd>
              </div>
            ))}
          </dl>
        </article>
        <article className="card" aria-labelledby="perfil-saldos">
          <h2 id="perfil-saldos">Saldos por moneda</h2>
          {cuentasFailed ? (
            <p className="muted">No disponible: no se pudieron obtener las cuentas.</p>
          ) : (
            <ul className="balances">
              {balances(perfil.data).map((b) => (
                <li key={b.moneda} data-moneda={b.moneda}>
                  <span className="balance">{formatMoney(b.saldo, b.moneda)}</span>
                  <small className="muted">
                    {b.activas} de {b.cuentas} cuenta{b.cuentas === 1 ? "" : "s"} activa{b.activas === 1 ? "" : "s"}
                    {typeof b.transacciones === "number" &&
                      ` · ${b.exacto === false ? "más de " : ""}${b.transacciones} transacci${b.transacciones === 1 ? "ón" : "ones"}`}
                    {b.ultimaActividad && ` · última actividad ${formatDateTime(b.ultimaActividad)}`}
                  </small>
                </li>
              ))}
              {cuentas.length === 0 && <li className="muted">Sin cuentas.</li>}
            </ul>
          )}
        </article>
      </div>
      <h2>Cuentas</h2>
      {cuentasFailed ? (
        <p className="muted">No disponible.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Cuentas del cliente</caption>
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Número</th>
                <th scope="col">Tipo</th>
                <th scope="col" className="num">Saldo</th>
                <th scope="col">Estado</th>
                <th scope="col">Apertura</th>
              </tr>
            </thead>
            <tbody>
              {cuentas.map((c) => (
                <tr key={c.cuenta_id} data-cuenta-id={c.cuenta_id}>
                  <td>{c.cuenta_id}</td>
                  <td className="mono">{c.numero_cuenta}</td>
                  <td>{c.tipo_cuenta_nombre ?? `Tipo ${c.tipo_cuenta_id}`}</td>
                  <td className="num">{formatMoney(c.saldo, c.moneda)}</td>
                  <td>
                    <EstadoBadge estado={c.estado} />
                  </td>
                  <td className="date">{formatDate(c.fecha_apertura)}</td>
                </tr>
              ))}
              {cuentas.length === 0 && (
                <tr>
                  <td colSpan={6}>Sin cuentas.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <h2>Transacciones recientes</h2>
      {txFailed && txs.length === 0 ? (
        <p className="muted">No disponible.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Transacciones recientes</caption>
            <thead>
              <tr>
                <th scope="col">Fecha</th>
                <th scope="col">Tipo</th>
                <th scope="col">Sentido</th>
                <th scope="col">Origen</th>
                <th scope="col">Destino</th>
                <th scope="col" className="num">Monto</th>
                <th scope="col">Estado</th>
                <th scope="col">Descripción</th>
              </tr>
            </thead>
            <tbody>
              {txs.map((tx) => (
                <tr key={tx.transaccion_id}>
                  <td className="date">{formatDateTime(tx.fecha)}</td>
                  <td>{tipoLabel(tx.tipo)}</td>
                  <td>{tx.sentido ? SENTIDO_LABELS[tx.sentido] ?? tx.sentido : "—"}</td>
                  <td>{tx.cuenta_origen_id ? numeroDe.get(tx.cuenta_origen_id) ?? tx.cuenta_origen_id : "—"}</td>
                  <td>{tx.cuenta_destino_id ? numeroDe.get(tx.cuenta_destino_id) ?? tx.cuenta_destino_id : "—"}</td>
                  <td className="num">{formatMoney(tx.monto, tx.moneda)}</td>
                  <td>
                    <EstadoBadge estado={tx.estado} />
                  </td>
                  <td>{tx.descripcion ?? "—"}</td>
                </tr>
              ))}
              {txs.length === 0 && (
                <tr>
                  <td colSpan={8}>Sin transacciones recientes.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
