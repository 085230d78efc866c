/**
 * The dashboard's charts (recharts, loaded only with the dashboard). Each has a data table with
 * the exact amounts. Money is shown for one currency at a time (the "Montos en" tabs), never
 * added across currencies.
 */
import { useMemo, useState, type ReactNode } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { analyticsApi } from "../api/services";
import { MONEDAS, type Moneda } from "../api/types";
import { actividadDiaria, volumenChartData, volumenMensual } from "../dashboard";
import { estadoLabel, formatCount, formatDate, formatMonth, formatMoney, tipoLabel } from "../format";
import { useAsync, type AsyncState } from "../hooks";
import { ErrorAlert, Loading } from "./ui";

// colour-blind-safe palette (Okabe–Ito), dark enough on white
const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

function ChartCard<T>({
  id: givenId,
  title,
  state,
  children,
  table,
}: {
  /** the element id and the test id's suffix (default: from the title) */
  id?: string;
  title: string;
  state: AsyncState<T>;
  children: (data: T) => ReactNode;
  table: (data: T) => ReactNode;
}) {
  const id =
    givenId ??
    title
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-");
  return (
    <figure className="card chart-card" aria-labelledby={id} data-testid={`chart-${id}`}>
      <figcaption id={id}>
        <h2>{title}</h2>
      </figcaption>
      {state.error ? (
        <ErrorAlert error={state.error} title={`${title}: no disponible`} onRetry={state.reload} />
      ) : !state.data ? (
        <Loading />
      ) : (
        <>
          <div className="chart" aria-hidden="true">
            {children(state.data)}
          </div>
          <details>
            <summary>Ver datos</summary>
            <div className="table-wrap">{table(state.data)}</div>
          </details>
        </>
      )}
    </figure>
  );
}

function CurrencyTabs({ value, onChange }: { value: Moneda; onChange: (m: Moneda) => void }) {
  return (
    <div className="tabs" role="group" aria-label="Moneda">
      {MONEDAS.map((m) => (
        <button key={m} type="button" aria-pressed={value === m} onClick={() => onChange(m)}>
          {m}
        </button>
      ))}
    </div>
  );
}

export default function Charts() {
  const [moneda, setMoneda] = useState<Moneda>("PEN");
  const volumen = useAsync((signal) => analyticsApi.volumenMensual(moneda, signal), [moneda]);
  const porTipo = useAsync((signal) => analyticsApi.cuentasPorTipo(signal), []);
  const porEstado = useAsync((signal) => analyticsApi.clientesPorEstado(signal), []);
  const actividad = useAsync((signal) => analyticsApi.actividadDiaria(moneda, signal), [moneda]);
  const top = useAsync((signal) => analyticsApi.topCuentas(moneda, 10, signal), [moneda]);

  const monthly = useMemo(() => volumenMensual(volumen.data?.items ?? [], moneda), [volumen.data, moneda]);
  const monthlyChart = useMemo(() => volumenChartData(monthly), [monthly]);
  const daily = useMemo(
    () => actividadDiaria(actividad.data?.items ?? [], moneda, actividad.data?.ventana),
    [actividad.data, moneda],
  );

  const money = (value: unknown) => formatMoney(Number(value).toFixed(2), moneda);

  return (
    <div className="charts">
      <div className="chart-toolbar">
        <span>Montos en</span>
        <CurrencyTabs value={moneda} onChange={setMoneda} />
      </div>
      <ChartCard
        id="volumen-mensual"
        title={`Volumen mensual por tipo (${moneda}, completadas)`}
        state={volumen}
        table={() =>
          monthly.rows.length === 0 ? (
            <p className="muted">Sin transacciones completadas en {moneda}.</p>
          ) : (
            <table data-testid="volumen-tabla">
              <thead>
                <tr>
                  <th scope="col">Mes</th>
                  {monthly.tipos.map((t) => (
                    <th scope="col" key={t} className="num">
                      {tipoLabel(t)}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {monthly.rows.map((row) => (
                  <tr key={row.mes} data-mes={row.mes}>
                    <td>{formatMonth(row.mes)}</td>
                    {monthly.tipos.map((t) => (
                      <td key={t} className="num" title={`${formatCount(row.cantidad[t] ?? 0)} transacciones`}>
                        {row.volumen[t] === undefined ? "—" : formatMoney(row.volumen[t], moneda)}
                      </td>
                    ))}
                    <td className="num">{formatMoney(row.total, moneda)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      >
        {() => (
          <ResponsiveContainer width="100%" height={260}>
            <BarChart data={monthlyChart}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="mes" tickFormatter={(v) => formatMonth(String(v))} />
              <YAxis width={80} tickFormatter={(v) => formatCount(Number(v))} />
              <Tooltip labelFormatter={(v) => formatMonth(String(v))} formatter={(v) => money(v)} />
              <Legend formatter={(v) => tipoLabel(String(v))} />
              {monthly.tipos.map((t, i) => (
                <Bar key={t} dataKey={t} stackId="v" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        )}
      </ChartCard>
      <ChartCard
        title="Cuentas por tipo"
        state={porTipo}
        table={(d) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Tipo</th>
                <th scope="col">Moneda</th>
                <th scope="col" className="num">Cuentas</th>
                <th scope="col" className="num">Activas</th>
                <th scope="col" className="num">Saldo</th>
              </tr>
            </thead>
            <tbody>
              {d.items.map((r) => (
                <tr key={`${r.tipo_cuenta_id}-${r.moneda}`}>
                  <td>{r.tipo_cuenta}</td>
                  <td>{r.moneda}</td>
                  <td className="num">{formatCount(r.cantidad_cuentas)}</td>
                  <td className="num">{formatCount(r.cuentas_activas)}</td>
                  <td className="num">{formatMoney(r.saldo_total, r.moneda)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      >
        {(d) => {
          // account counts (not money) may be added across currencies
          const byType = new Map<string, number>();
          for (const r of d.items) byType.set(r.tipo_cuenta, (byType.get(r.tipo_cuenta) ?? 0) + r.cantidad_cuentas);
          const data = [...byType.entries()].map(([tipo, cantidad]) => ({ tipo, cantidad }));
          return (
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={data} layout="vertical" margin={{ left: 24 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="tipo" width={120} />
                <Tooltip formatter={(v) => formatCount(Number(v))} />
                <Bar dataKey="cantidad" name="Cuentas" fill={COLORS[0]} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          );
        }}
      </ChartCard>
      <ChartCard
        title="Clientes por estado"
        state={porEstado}
        table={(d) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Estado</th>
                <th scope="col" className="num">Clientes</th>
                <th scope="col" className="num">%</th>
              </tr>
            </thead>
            <tbody>
              {d.items.map((r) => (
                <tr key={r.estado}>
                  <td>{estadoLabel(r.estado)}</td>
                  <td className="num">{formatCount(r.cantidad)}</td>
                  <td className="num">{r.porcentaje ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      >
        {(d) => (
          <ResponsiveContainer width="100%" height={240}>
            <PieChart>
              <Pie
                data={d.items.map((r) => ({ name: estadoLabel(r.estado), value: r.cantidad }))}
                dataKey="value"
                nameKey="name"
                outerRadius={90}
                label
                isAnimationActive={false}
              >
                {d.items.map((r, i) => (
                  <Cell key={r.estado} fill={COLORS[i % COLORS.length]} />
                ))}
              </Pie>
              <Tooltip formatter={(v) => formatCount(Number(v))} />
              <Legend />
            </PieChart>
          </ResponsiveContainer>
        )}
      </ChartCard>
      <ChartCard
        id="actividad-diaria"
        title={`Actividad diaria (${moneda}, últimos 30 días)`}
        state={actividad}
        table={() => (
          <table data-testid="actividad-tabla">
            <thead>
              <tr>
                <th scope="col">Fecha</th>
                <th scope="col" className="num">Completadas</th>
                <th scope="col" className="num">Rechazadas</th>
                <th scope="col" className="num">Pendientes</th>
                <th scope="col" className="num">Volumen completado</th>
              </tr>
            </thead>
            <tbody>
              {daily.map((r) => (
                <tr key={r.fecha} data-fecha={r.fecha}>
                  <td>{formatDate(r.fecha)}</td>
                  <td className="num">{formatCount(r.completadas)}</td>
                  <td className="num">{formatCount(r.rechazadas)}</td>
                  <td className="num">{formatCount(r.pendientes)}</td>
                  <td className="num">{formatMoney(r.volumen, moneda)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      >
        {() => (
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={daily}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="fecha" tickFormatter={(v) => String(v).slice(5)} />
              <YAxis allowDecimals={false} />
              <Tooltip labelFormatter={(v) => formatDate(String(v))} formatter={(v) => formatCount(Number(v))} />
              <Legend />
              <Bar dataKey="completadas" name="Completadas" stackId="a" fill={COLORS[2]} isAnimationActive={false} />
              <Bar dataKey="rechazadas" name="Rechazadas" stackId="a" fill={COLORS[1]} isAnimationActive={false} />
              <Bar dataKey="pendientes" name="Pendientes" stackId="a" fill={COLORS[4]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </ChartCard>
      <figure className="card chart-card" aria-labelledby="top-cuentas" data-testid="top-cuentas">
        <figcaption id="top-cuentas">
          <h2>Cuentas con mayor saldo ({moneda})</h2>
        </figcaption>
        {top.error ? (
          <ErrorAlert error={top.error} title="Top de cuentas: no disponible" onRetry={top.reload} />
        ) : !top.data ? (
          <Loading />
        ) : top.data.items.length === 0 ? (
          <p className="muted">Sin cuentas en {moneda}.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Cuenta</th>
                  <th scope="col">Tipo</th>
                  <th scope="col">Estado</th>
                  <th scope="col" className="num">Saldo</th>
                </tr>
              </thead>
              <tbody>
                {top.data.items
                  .filter((r) => r.moneda === moneda)
                  .map((r) => (
                    <tr key={r.cuenta_id} data-cuenta-id={r.cuenta_id}>
                      <td>{r.posicion}</td>
                      <td className="mono">{r.numero_cuenta_enmascarado}</td>
                      <td>{r.tipo_cuenta}</td>
                      <td>{estadoLabel(r.estado)}</td>
                      <td className="num">{formatMoney(r.saldo, r.moneda)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
      </figure>
    </div>
  );
}
