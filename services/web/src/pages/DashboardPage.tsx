/**
 * Dashboard ejecutivo: KPI cards per currency, charts, freshness and quality of the last
 * pipeline run. Every section loads on its own and shows its own error: never a blank page.
 * Until the pipeline has published a snapshot the API answers 503 "snapshot_unavailable": the
 * page then says so once, instead of one error per section.
 */
import { lazy, Suspense, useEffect, useState } from "react";
import { analyticsApi } from "../api/services";
import type { Calidad, DashboardEjecutivo, Frescura, KpiMoneda } from "../api/types";
import { ErrorAlert, Loading, Notice } from "../components/ui";
import { getConfig } from "../config";
import { isSinEjecucion, isSinSnapshot, resumenCalidad } from "../dashboard";
import { estadoLabel, formatCount, formatDate, formatDateTime, formatMoney } from "../format";
import { useAsync, type AsyncState } from "../hooks";

const Charts = lazy(() => import("../components/Charts"));

export default function DashboardPage() {
  const kpis = useAsync((signal) => analyticsApi.dashboard(signal), []);
  const calidad = useAsync((signal) => analyticsApi.calidad(signal), []);
  const frescura = useAsync((signal) => analyticsApi.frescura(signal), []);
  const [ready, setReady] = useState(false);
  const config = getConfig();
  const sinSnapshot = isSinSnapshot(kpis.error);

  useEffect(() => {
    if (!ready && !kpis.loading) {
      setReady(true);
      performance.mark("dashboard-ready");
    }
  }, [kpis.loading, ready]);

  return (
    <section aria-labelledby="dash-title" data-state={ready ? "ready" : "loading"} className="dashboard">
      <div className="page-header">
        <h1 id="dash-title">Dashboard ejecutivo</h1>
        <nav className="external-links" aria-label="Herramientas de datos">
          <a href={config.dagsterUrl} target="_blank" rel="noreferrer">
            Dagster UI
          </a>
          <a href={config.dbtDocsUrl} target="_blank" rel="noreferrer">
            Documentación dbt
          </a>
        </nav>
      </div>
      {sinSnapshot && <SinSnapshot onRetry={kpis.reload} />}
      <RunStatus kpis={kpis} calidad={calidad} frescura={frescura} />
      {!sinSnapshot && (
        <>
          <Kpis state={kpis} />
          <Suspense fallback={<Loading label="Cargando gráficos…" />}>
            <Charts />
          </Suspense>
        </>
      )}
    </section>
  );
}

function SinSnapshot({ onRetry }: { onRetry: () => void }) {
  return (
    <div className="alert alert-warning" role="status" data-testid="sin-snapshot">
      <strong>Aún no hay datos analíticos publicados.</strong> Los indicadores aparecen cuando el pipeline de datos
      termina su primera ejecución con éxito (<code>cloudbank pipeline</code>, o la programación horaria en Dagster).{" "}
      <button type="button" className="link-button" onClick={onRetry}>
        Reintentar
      </button>
    </div>
  );
}

function RunStatus({
  kpis,
  calidad,
  frescura,
}: {
  kpis: AsyncState<DashboardEjecutivo>;
  calidad: AsyncState<Calidad>;
  frescura: AsyncState<Frescura>;
}) {
  const asOf = frescura.data?.as_of ?? kpis.data?.as_of;
  const runId = frescura.data?.run_id ?? kpis.data?.run_id;
  const generado = frescura.data?.generado_en ?? kpis.data?.generado_en;
  return (
    <div className="run-status" aria-label="Estado de los datos">
      <div className="card status-card">
        <h2>Frescura</h2>
        {asOf ? (
          <>
            <p>
              Datos al <strong data-testid="as-of">{formatDate(asOf)}</strong>
              {runId && (
                <small className="muted" data-testid="run-id">
                  {" "}
                  · ejecución {runId}
                </small>
              )}
            </p>
            {generado && (
              <p className="muted">
                <small>Publicados el {formatDateTime(generado)}</small>
              </p>
            )}
          </>
        ) : isSinSnapshot(frescura.error) ? (
          <p className="muted">Sin datos publicados todavía.</p>
        ) : frescura.error ? (
          <ErrorAlert error={frescura.error} title="Frescura no disponible" onRetry={frescura.reload} />
        ) : (
          <Loading />
        )}
        {frescura.data && frescura.data.fuentes.length > 0 && (
          <details>
            <summary>Fuentes ({frescura.data.fuentes.length})</summary>
            <div className="table-wrap">
              <table data-testid="fuentes">
                <thead>
                  <tr>
                    <th scope="col">Fuente</th>
                    <th scope="col">Tipo</th>
                    <th scope="col">Última partición</th>
                    <th scope="col">Último cambio leído</th>
                    <th scope="col" className="num">Filas</th>
                  </tr>
                </thead>
                <tbody>
                  {frescura.data.fuentes.map((f) => (
                    <tr key={f.fuente}>
                      <td className="mono">{f.fuente}</td>
                      <td>{f.tipo === "snapshot" ? "copia diaria" : f.tipo === "events" ? "eventos" : f.tipo}</td>
                      <td>{formatDate(f.ultima_particion)}</td>
                      <td>{formatDateTime(f.ultimo_cambio)}</td>
                      <td className="num">{formatCount(f.filas)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        )}
      </div>
      <div className="card status-card">
        <h2>Calidad de la última ejecución</h2>
        {calidad.data ? (
          <CalidadStatus calidad={calidad.data} />
        ) : isSinEjecucion(calidad.error) ? (
          <p className="muted">El pipeline de datos no se ha ejecutado todavía.</p>
        ) : calidad.error ? (
          <ErrorAlert error={calidad.error} title="Calidad no disponible" onRetry={calidad.reload} />
        ) : (
          <Loading />
        )}
      </div>
    </div>
  );
}

function CalidadStatus({ calidad }: { calidad: Calidad }) {
  const resumen = resumenCalidad(calidad);
  return (
    <>
      <p>
        <span className={`badge ${calidad.ok ? "badge-ok" : "badge-fail"}`} data-testid="calidad">
          {calidad.ok ? "Controles aprobados" : "Controles fallidos"}
        </span>{" "}
        <small className="muted" data-testid="calidad-conteo">
          {formatCount(resumen.aprobados)} de {formatCount(resumen.total)} aprobados
          {resumen.advertencias.length > 0 && ` · ${formatCount(resumen.advertencias.length)} con advertencia`}
        </small>
      </p>
      <p className="muted">
        <small>
          Ejecución {calidad.ejecucion} · terminada el {formatDateTime(calidad.terminada_en)}
        </small>
      </p>
      {resumen.avisos.length > 0 && (
        <Notice kind="warning">
          <span data-testid="calidad-aviso">{resumen.avisos.join(" ")}</span>
        </Notice>
      )}
      {resumen.fallidos.length > 0 && (
        <ul className="compact" aria-label="Controles no aprobados">
          {resumen.fallidos.slice(0, 5).map((c) => (
            <li key={`${c.origen}-${c.nombre}`}>
              <span className="mono">{c.nombre}</span> ({c.estado}
              {c.severidad === "warn" ? ", advertencia" : ""})
              {c.objeto ? ` en ${c.objeto}` : ""}
              {c.detalle ? `: ${c.detalle}` : ""}
            </li>
          ))}
          {resumen.fallidos.length > 5 && <li>y {formatCount(resumen.fallidos.length - 5)} más</li>}
        </ul>
      )}
    </>
  );
}

function Kpis({ state }: { state: AsyncState<DashboardEjecutivo> }) {
  if (state.error) return <ErrorAlert error={state.error} title="No se pudieron cargar los indicadores" onRetry={state.reload} />;
  if (!state.data) return <Loading label="Cargando indicadores…" />;
  const d = state.data;
  return (
    <div aria-label="Indicadores" className="kpis">
      <div className="kpi-row">
        <Kpi label="Clientes" value={formatCount(d.total_clientes)} testId="kpi-total_clientes" />
        <Kpi label="Clientes activos" value={formatCount(d.clientes_activos)} testId="kpi-clientes_activos" />
        <Kpi label="Cuentas" value={formatCount(d.total_cuentas)} testId="kpi-total_cuentas" />
        {Object.entries(d.cuentas_por_estado).map(([estado, n]) => (
          <Kpi key={estado} label={`Cuentas ${estadoLabel(estado).toLowerCase()}s`} value={formatCount(n)} testId={`kpi-cuentas-${estado}`} />
        ))}
      </div>
      <p className="muted kpi-windows">
        <small>
          Últimos 30 días: {formatDate(d.ventana_30d.desde)} – {formatDate(d.ventana_30d.hasta)} · Mes en curso:{" "}
          {formatDate(d.mes.desde)} – {formatDate(d.mes.hasta)} · Volúmenes y tickets: solo transacciones completadas.
        </small>
      </p>
      {d.por_moneda.map((m) => (
        <CurrencyKpis key={m.moneda} kpi={m} />
      ))}
    </div>
  );
}

function CurrencyKpis({ kpi }: { kpi: KpiMoneda }) {
  const m = kpi.moneda;
  return (
    <section className="kpi-currency" aria-label={`Indicadores en ${m}`} data-moneda={m}>
      <h2 className="kpi-currency-title">{m}</h2>
      <div className="kpi-row">
        <Kpi label="Saldo total" value={formatMoney(kpi.saldo_total, m)} testId={`kpi-${m}-saldo_total`} />
        <Kpi label={`Cuentas en ${m}`} value={formatCount(kpi.cuentas)} testId={`kpi-${m}-cuentas`} />
        <Kpi label="Volumen (30 días)" value={formatMoney(kpi.volumen_30d, m)} testId={`kpi-${m}-volumen_30d`} />
        <Kpi label="Transacciones (30 días)" value={formatCount(kpi.transacciones_30d)} testId={`kpi-${m}-transacciones_30d`} />
        <Kpi label="Ticket promedio (30 días)" value={formatMoney(kpi.ticket_promedio_30d, m)} testId={`kpi-${m}-ticket_promedio_30d`} />
        <Kpi label="Volumen del mes" value={formatMoney(kpi.volumen_mes, m)} testId={`kpi-${m}-volumen_mes`} />
        <Kpi label="Transacciones del mes" value={formatCount(kpi.transacciones_mes)} testId={`kpi-${m}-transacciones_mes`} />
        <Kpi label="Ticket promedio del mes" value={formatMoney(kpi.ticket_promedio_mes, m)} testId={`kpi-${m}-ticket_promedio_mes`} />
      </div>
    </section>
  );
}

function Kpi({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="card kpi">
      <span className="kpi-label">{label}</span>
      <span className="kpi-value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}
