/** The dashboard's charts (recharts, loaded only with the dashboard). Each has a data table. */
import { useMemo, useState, type ReactNode } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { analyticsApi } from "../api/services";
import { MONEDAS, TIPOS_TRANSACCION, type Moneda } from "../api/types";
import { estadoLabel, formatCount, formatDate, formatMoney, tipoLabel } from "../format";
import { useAsync, type AsyncState } from "../hooks";
import { ErrorAlert, Loading } from "./ui";

// colour-blind-safe palette (Okabe–Ito), dark enough on white
const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

function ChartCard<T>({
  title,
  state,
  children,
  table,
}: {
  title: string;
  state: AsyncState<T>;
  children: (data: T) => ReactNode;
  table: (data: T) => ReactNode;
}) {
  const id = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return (
    <figure className="card chart-card" aria-labelledby={id}>
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

const num = (value: string | number | undefined | null) => (value === undefined || value === null ? 0 : Number(value));

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
  const porMes = useAsync(() => analyticsApi.porMes(), []);
  const porTipo = useAsync(() => analyticsApi.cuentasPorTipo(), []);
  const porEstado = useAsync(() => analyticsApi.clientesPorEstado(), []);
  const actividad = useAsync(() => analyticsApi.actividadDiaria(), []);
  const top = useAsync(() => analyticsApi.topCuentas(), []);
  const [moneda, setMoneda] = useState<Moneda>("PEN");

  const monthly = useMemo(() => {
    const rows = new Map<string, Record<string, number | string>>();
    for (const r of porMes.data?.items ?? []) {
      if (r.moneda !== moneda || (r.estado && r.estado !== "COMPLETADA")) continue;
      const row = rows.get(r.mes) ?? { mes: r.mes };
      row[r.tipo] = num(row[r.tipo] as number) + num(r.monto_total);
      rows.set(r.mes, row);
    }
    return [...rows.values()].sort((a, b) => String(a.mes).localeCompare(String(b.mes)));
  }, [porMes.data, moneda]);

  const daily = useMemo(() => {
    const rows = new Map<string, { fecha: string; cantidad: number }>();
    for (const r of actividad.data?.items ?? []) {
      const row = rows.get(r.fecha) ?? { fecha: r.fecha, cantidad: 0 };
      row.cantidad += r.cantidad;
      rows.set(r.fecha, row);
    }
    return [...rows.values()].sort((a, b) => a.fecha.localeCompare(b.fecha));
  }, [actividad.data]);

  const money = (value: unknown) => formatMoney(Number(value).toFixed(2), moneda);

  return (
    <div className="charts">
      <div className="chart-toolbar">
        <span>Montos en</span>
        <CurrencyTabs value={moneda} onChange={setMoneda} />
      </div>
      <ChartCard
        title="Volumen mensual por tipo"
        state={porMes}
        table={() => (
          <table>
            <thead>
              <tr>
                <th scope="col">Mes</th>
                {TIPOS_TRANSACCION.map((t) => (
                  <th scope="col" key={t} className="num">
                    {tipoLabel(t)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {monthly.map((row) => (
                <tr key={String(row.mes)}>
                  <td>{String(row.mes)}</td>
                  {TIPOS_TRANSACCION.map((t) => (
                    <td key={t} className="num">
                      {row[t] === undefined ? "—" : money(row[t])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      >
        {() => (
          <ResponsiveContainer width="100%" height={260}>
            <BarChart data={monthly}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="mes" />
              <YAxis width={80} tickFormatter={(v) => formatCount(Number(v))} />
              <Tooltip formatter={(v) => money(v)} />
              <Legend formatter={(v) => tipoLabel(String(v))} />
              {TIPOS_TRANSACCION.map((t, i) => (
                <Bar key={t} dataKey={t} stackId="v" fill={COLORS[i]} isAnimationActive={false} />
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
                <th scope="col" className="num">Saldo</th>
              </tr>
            </thead>
            <tbody>
              {d.items.map((r) => (
                <tr key={`${r.tipo_cuenta}-${r.moneda ?? ""}`}>
                  <td>{r.tipo_cuenta}</td>
                  <td>{r.moneda ?? "—"}</td>
                  <td className="num">{formatCount(r.cantidad_cuentas)}</td>
                  <td className="num">{r.moneda && r.saldo_total ? formatMoney(r.saldo_total, r.moneda) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      >
        {(d) => {
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
              </tr>
            </thead>
            <tbody>
              {d.items.map((r) => (
                <tr key={r.estado}>
                  <td>{estadoLabel(r.estado)}</td>
                  <td className="num">{formatCount(r.cantidad)}</td>
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
        title="Actividad diaria"
        state={actividad}
        table={() => (
          <table>
            <thead>
              <tr>
                <th scope="col">Fecha</th>
                <th scope="col" className="num">Transacciones</th>
              </tr>
            </thead>
            <tbody>
              {daily.map((r) => (
                <tr key={r.fecha}>
                  <td>{formatDate(r.fecha)}</td>
                  <td className="num">{formatCount(r.cantidad)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      >
        {() => (
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={daily}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="fecha" tickFormatter={(v) => String(v).slice(5)} />
              <YAxis allowDecimals={false} />
              <Tooltip labelFormatter={(v) => formatDate(String(v))} formatter={(v) => formatCount(Number(v))} />
              <Line type="monotone" dataKey="cantidad" name="Transacciones" stroke={COLORS[1]} dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        )}
      </ChartCard>
      <figure className="card chart-card" aria-labelledby="top-cuentas">
        <figcaption id="top-cuentas">
          <h2>Cuentas con mayor saldo ({moneda})</h2>
        </figcaption>
        {top.error ? (
          <ErrorAlert error={top.error} title="Top de cuentas: no disponible" onRetry={top.reload} />
        ) : !top.data ? (
          <Loading />
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Cuenta</th>
                  <th scope="col">Tipo</th>
                  <th scope="col" className="num">Saldo</th>
                </tr>
              </thead>
              <tbody>
                {top.data.items
                  .filter((r) => r.moneda === moneda)
                  .map((r, i) => (
                    <tr key={r.numero_cuenta}>
                      <td>{i + 1}</td>
                      <td className="mono">{r.numero_cuenta}</td>
                      <td>{r.tipo_cuenta ?? "—"}</td>
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
