/**
 * Dashboard ejecutivo: KPI cards per currency, charts, freshness and quality of the last
 * pipeline run. Every section loads on its own and shows its own error: never a blank page.
 */
import { lazy, Suspense, useEffect, useState } from "react";
import { analyticsApi } from "../api/services";
import type { Calidad, DashboardEjecutivo, Frescura, KpiMoneda } from "../api/types";
import { ErrorAlert, Loading } from "../components/ui";
import { getConfig } from "../config";
import { formatCount, formatDateTime, formatMoney } from "../format";
import { useAsync, type AsyncState } from "../hooks";

const Charts = lazy(() => import("../components/Charts"));

export default function DashboardPage() {
  const kpis = useAsync(() => analyticsApi.dashboard(), []);
  const calidad = useAsync(() => analyticsApi.calidad(), []);
  const frescura = useAsync(() => analyticsApi.frescura(), []);
  const [ready, setReady] = useState(false);
  const config = getConfig();

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
      <RunStatus kpis={kpis} calidad={calidad} frescura={frescura} />
      <Kpis state={kpis} />
      <Suspense fallback={<Loading label="Cargando gráficos…" />}>
        <Charts />
      </Suspense>
    </section>
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
  const failedChecks = calidad.data?.checks?.filter((c) => !c.ok) ?? [];
  return (
    <div className="run-status" aria-label="Estado de los datos">
      <div className="card status-card">
        <h2>Frescura</h2>
        {frescura.error ? (
          <ErrorAlert error={frescura.error} title="Frescura no disponible" onRetry={frescura.reload} />
        ) : asOf ? (
          <p>
            Datos al <strong data-testid="as-of">{formatDateTime(asOf)}</strong>
            {runId && <small className="muted"> · ejecución {runId}</small>}
          </p>
        ) : (
          <Loading />
        )}
        {frescura.data?.fuentes && (
          <ul className="compact">
            {frescura.data.fuentes.map((f) => (
              <li key={f.fuente}>
                {f.fuente}: {formatDateTime(f.as_of)}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="card status-card">
        <h2>Calidad de la última ejecución</h2>
        {calidad.error ? (
          <ErrorAlert error={calidad.error} title="Calidad no disponible" onRetry={calidad.reload} />
        ) : calidad.data ? (
          <>
            <p>
              <span className={`badge ${calidad.data.ok ? "badge-ok" : "badge-fail"}`} data-testid="calidad">
                {calidad.data.ok ? "Controles aprobados" : "Controles fallidos"}
              </span>
              {calidad.data.checks && (
                <small className="muted">
                  {" "}
                  {calidad.data.checks.length - failedChecks.length} de {calidad.data.checks.length} aprobados
                </small>
              )}
            </p>
            {failedChecks.length > 0 && (
              <ul className="compact">
                {failedChecks.slice(0, 5).map((c) => (
                  <li key={c.nombre}>
                    {c.nombre}
                    {c.detalle ? `: ${c.detalle}` : ""}
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : (
          <Loading />
        )}
      </div>
    </div>
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
        {d.cuentas_por_estado &&
          Object.entries(d.cuentas_por_estado).map(([estado, n]) => (
            <Kpi key={estado} label={`Cuentas ${estado}s`} value={formatCount(n)} testId={`kpi-cuentas-${estado}`} />
          ))}
      </div>
      {(d.por_moneda ?? []).map((m) => (
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
        <Kpi label="Volumen completado (30 días)" value={formatMoney(kpi.volumen_30d, m)} testId={`kpi-${m}-volumen_30d`} />
        <Kpi label="Volumen del mes" value={formatMoney(kpi.volumen_mes, m)} testId={`kpi-${m}-volumen_mes`} />
        <Kpi label="Transacciones (30 días)" value={formatCount(kpi.transacciones_30d)} testId={`kpi-${m}-transacciones_30d`} />
        <Kpi label="Ticket promedio" value={formatMoney(kpi.ticket_promedio, m)} testId={`kpi-${m}-ticket_promedio`} />
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

