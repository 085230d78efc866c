/** A client's accounts: open one, deposit or withdraw, block, unblock or close. */
import { useRef, useState, type FormEvent } from "react";
import { ApiError, fieldErrors } from "../api/errors";
import { ActionKey } from "../api/idempotency";
import { clientesApi, cuentasApi } from "../api/services";
import { MONEDAS, type Cliente, type Cuenta, type EstadoCuenta, type Moneda, type OperacionSaldo } from "../api/types";
import { useAuth } from "../auth";
import { ClientePicker } from "../components/ClientePicker";
import { ConfirmDialog, EstadoBadge, ErrorAlert, Loading, Notice, SelectField, TextField } from "../components/ui";
import { formatDateTime, formatMoney, parseAmount } from "../format";
import { useAction, useAsync } from "../hooks";
import { Link, navigate, useLocation } from "../router";

const searchClientes = (q: string, signal: AbortSignal) =>
  clientesApi.list({ q, limit: 8, offset: 0 }, signal).then((page) => page.items);

export default function CuentasPage() {
  const { params } = useLocation();
  const clienteId = Number(params.get("cliente")) || null;
  return (
    <section aria-labelledby="cuentas-title">
      <h1 id="cuentas-title">Cuentas</h1>
      <ClientePicker label="Cliente" search={searchClientes} onPick={(c) => navigate(`/cuentas?cliente=${c.cliente_id}`)} />
      {clienteId ? <CuentasDeCliente key={clienteId} clienteId={clienteId} /> : <p className="muted">Busque y elija un cliente para ver sus cuentas.</p>}
    </section>
  );
}

interface Pending {
  cuenta: Cuenta;
  kind: "saldo" | "estado";
  operacion?: OperacionSaldo;
  monto?: string;
  estado?: EstadoCuenta;
}

function CuentasDeCliente({ clienteId }: { clienteId: number }) {
  const { can } = useAuth();
  const cliente = useAsync(() => clientesApi.get(clienteId), [clienteId]);
  const cuentas = useAsync(() => cuentasApi.porCliente(clienteId), [clienteId]);
  const [opening, setOpening] = useState(false);
  const [operating, setOperating] = useState<Cuenta | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const saldoKey = useRef(new ActionKey()).current;

  const confirmAction = useAction(async (p: Pending) => {
    if (p.kind === "saldo") {
      const body = { monto: p.monto!, operacion: p.operacion! };
      const key = saldoKey.for({ cuenta: p.cuenta.cuenta_id, ...body });
      const updated = await cuentasApi.saldo(p.cuenta.cuenta_id, body, key);
      saldoKey.done();
      return `${p.operacion === "deposito" ? "Depósito" : "Retiro"} registrado. Nuevo saldo: ${formatMoney(updated.saldo, updated.moneda)}.`;
    }
    await cuentasApi.estado(p.cuenta.cuenta_id, p.estado!);
    return `Cuenta ${p.cuenta.numero_cuenta}: ahora ${p.estado}.`;
  });

  const confirm = async () => {
    if (!pending) return;
    const result = await confirmAction.run(pending);
    if (result?.ok) {
      setNotice(result.value);
      setPending(null);
      setOperating(null);
      cuentas.reload();
    }
  };

  const writable = can("cuentas:write");
  return (
    <div>
      <ErrorAlert error={cliente.error} title="No se pudo cargar el cliente" onRetry={cliente.reload} />
      {cliente.data && <ClienteHeader cliente={cliente.data} />}
      {notice && <Notice>{notice}</Notice>}
      <div className="page-header">
        <h2>Cuentas del cliente</h2>
        {writable && !opening && (
          <button type="button" className="primary" onClick={() => { setNotice(null); setOpening(true); }}>
            Abrir cuenta
          </button>
        )}
      </div>
      {opening && (
        <AbrirCuentaForm
          clienteId={clienteId}
          onDone={(c) => { setOpening(false); setNotice(`Cuenta ${c.numero_cuenta} abierta.`); cuentas.reload(); }}
          onCancel={() => setOpening(false)}
        />
      )}
      <ErrorAlert error={cuentas.error} title="No se pudieron cargar las cuentas" onRetry={cuentas.reload} />
      {cuentas.loading && !cuentas.data && <Loading />}
      {cuentas.data && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Cuentas del cliente</caption>
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Número</th>
                <th scope="col">Tipo</th>
                <th scope="col">Moneda</th>
                <th scope="col" className="num">Saldo</th>
                <th scope="col">Estado</th>
                <th scope="col">Apertura</th>
                <th scope="col">Acciones</th>
              </tr>
            </thead>
            <tbody>
              {cuentas.data.length === 0 && (
                <tr>
                  <td colSpan={8}>El cliente no tiene cuentas.</td>
                </tr>
              )}
              {cuentas.data.map((c) => (
                <tr key={c.cuenta_id} data-cuenta-id={c.cuenta_id}>
                  <td>{c.cuenta_id}</td>
                  <td className="mono">{c.numero_cuenta}</td>
                  <td>{c.tipo_cuenta_nombre ?? `Tipo ${c.tipo_cuenta_id}`}</td>
                  <td>{c.moneda}</td>
                  <td className="num" data-testid="saldo">{formatMoney(c.saldo, c.moneda)}</td>
                  <td>
                    <EstadoBadge estado={c.estado} />
                  </td>
                  <td className="date">{formatDateTime(c.fecha_apertura)}</td>
                  <td className="row-actions">
                    {writable && c.estado === "activa" && (
                      <button type="button" className="link-button" onClick={() => { setNotice(null); setOperating(c); }}>
                        Depositar / retirar<span className="sr-only"> en {c.numero_cuenta}</span>
                      </button>
                    )}
                    {writable && c.estado === "activa" && (
                      <button type="button" className="link-button" onClick={() => setPending({ cuenta: c, kind: "estado", estado: "bloqueada" })}>
                        Bloquear<span className="sr-only"> {c.numero_cuenta}</span>
                      </button>
                    )}
                    {writable && c.estado === "bloqueada" && (
                      <button type="button" className="link-button" onClick={() => setPending({ cuenta: c, kind: "estado", estado: "activa" })}>
                        Desbloquear<span className="sr-only"> {c.numero_cuenta}</span>
                      </button>
                    )}
                    {writable && c.estado !== "cerrada" && (
                      <button type="button" className="link-button danger-text" onClick={() => setPending({ cuenta: c, kind: "estado", estado: "cerrada" })}>
                        Cerrar<span className="sr-only"> {c.numero_cuenta}</span>
                      </button>
                    )}
                    {can("transacciones:write") && c.estado === "activa" && (
                      <Link href={`/transacciones?tipo=TRANSFERENCIA&origen=${c.cuenta_id}`}>
                        Transferir<span className="sr-only"> desde {c.numero_cuenta}</span>
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {operating && (
        <SaldoForm
          cuenta={operating}
          onSubmit={(operacion, monto) => setPending({ cuenta: operating, kind: "saldo", operacion, monto })}
          onCancel={() => setOperating(null)}
        />
      )}
      {pending && (
        <ConfirmDialog
          title={confirmTitle(pending)}
          confirmLabel="Confirmar"
          danger={pending.estado === "cerrada"}
          busy={confirmAction.busy}
          onConfirm={confirm}
          onCancel={() => { setPending(null); confirmAction.setError(null); }}
        >
          <p>{confirmText(pending)}</p>
          <ErrorAlert error={confirmAction.error} title="No se pudo completar" />
        </ConfirmDialog>
      )}
    </div>
  );
}

function confirmTitle(p: Pending): string {
  if (p.kind === "saldo") return p.operacion === "deposito" ? "Confirmar depósito" : "Confirmar retiro";
  return p.estado === "cerrada" ? "Cerrar cuenta" : p.estado === "bloqueada" ? "Bloquear cuenta" : "Desbloquear cuenta";
}

function confirmText(p: Pending): string {
  const cuenta = `la cuenta ${p.cuenta.numero_cuenta}`;
  if (p.kind === "saldo") {
    const monto = formatMoney(p.monto!, p.cuenta.moneda);
    return p.operacion === "deposito" ? `¿Depositar ${monto} en ${cuenta}?` : `¿Retirar ${monto} de ${cuenta}?`;
  }
  if (p.estado === "cerrada") return `¿Cerrar ${cuenta}? El cierre es definitivo y requiere saldo cero.`;
  return p.estado === "bloqueada" ? `¿Bloquear ${cuenta}? No admitirá movimientos.` : `¿Desbloquear ${cuenta}?`;
}

function ClienteHeader({ cliente }: { cliente: Cliente }) {
  return (
    <p className="client-header">
      <strong>
        {cliente.nombre} {cliente.apellido}
      </strong>{" "}
      <span className="muted">
        #{cliente.cliente_id} · {cliente.email}
      </span>{" "}
      <EstadoBadge estado={cliente.estado} />
    </p>
  );
}

function SaldoForm({ cuenta, onSubmit, onCancel }: { cuenta: Cuenta; onSubmit: (op: OperacionSaldo, monto: string) => void; onCancel: () => void }) {
  const [operacion, setOperacion] = useState<OperacionSaldo>("deposito");
  const [monto, setMonto] = useState("");
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const amount = parseAmount(monto);
    if (!amount || amount === "0.00") {
      setError("Ingrese un monto mayor que cero, con hasta 2 decimales.");
      return;
    }
    setError(undefined);
    onSubmit(operacion, amount);
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="saldo-title" noValidate>
      <h2 id="saldo-title">
        Depósito o retiro · cuenta <span className="mono">{cuenta.numero_cuenta}</span> ({cuenta.moneda})
      </h2>
      <p className="muted">Saldo actual: {formatMoney(cuenta.saldo, cuenta.moneda)}</p>
      <div className="grid-2">
        <SelectField label="Operación" name="operacion" value={operacion} onChange={(e) => setOperacion(e.target.value as OperacionSaldo)}>
          <option value="deposito">Depósito</option>
          <option value="retiro">Retiro</option>
        </SelectField>
        <TextField label={`Monto (${cuenta.moneda})`} name="monto" inputMode="decimal" value={monto} onChange={(e) => setMonto(e.target.value)} error={error} required />
      </div>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancelar
        </button>
        <button type="submit" className="primary">
          Continuar
        </button>
      </div>
    </form>
  );
}

function AbrirCuentaForm({ clienteId, onDone, onCancel }: { clienteId: number; onDone: (c: Cuenta) => void; onCancel: () => void }) {
  const tipos = useAsync(() => cuentasApi.tipos(), []);
  const [tipo, setTipo] = useState("");
  const [moneda, setMoneda] = useState<Moneda>("PEN");
  const [saldo, setSaldo] = useState("0");
  const [localError, setLocalError] = useState<string | undefined>();
  const key = useRef(new ActionKey()).current;
  const action = useAction(async () => {
    const body = {
      cliente_id: clienteId,
      tipo_cuenta_id: Number(tipo || tipos.data?.[0]?.tipo_cuenta_id),
      moneda,
      saldo_inicial: parseAmount(saldo) ?? saldo,
    };
    const cuenta = await cuentasApi.open(body, key.for(body));
    key.done();
    return cuenta;
  });
  const errors = fieldErrors(action.error);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (parseAmount(saldo) === null) {
      setLocalError("Ingrese un monto válido (0 o más, hasta 2 decimales).");
      return;
    }
    setLocalError(undefined);
    const result = await action.run();
    if (result?.ok) onDone(result.value);
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="abrir-title" noValidate>
      <h2 id="abrir-title">Abrir cuenta</h2>
      <ErrorAlert error={tipos.error} title="No se pudieron cargar los tipos de cuenta" onRetry={tipos.reload} />
      {action.error instanceof ApiError && action.error.status === 422 ? (
        <div className="alert alert-error" role="alert">
          Revise los campos marcados.{errors[""] ? ` ${errors[""]}` : ""}
        </div>
      ) : (
        <ErrorAlert error={action.error} title="No se pudo abrir la cuenta" />
      )}
      <div className="grid-3">
        <SelectField label="Tipo de cuenta" name="tipo_cuenta_id" value={tipo} onChange={(e) => setTipo(e.target.value)} error={errors.tipo_cuenta_id}>
          {(tipos.data ?? []).map((t) => (
            <option key={t.tipo_cuenta_id} value={t.tipo_cuenta_id}>
              {t.nombre}
            </option>
          ))}
        </SelectField>
        <SelectField label="Moneda" name="moneda" value={moneda} onChange={(e) => setMoneda(e.target.value as Moneda)} error={errors.moneda}>
          {MONEDAS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Saldo inicial"
          name="saldo_inicial"
          inputMode="decimal"
          value={saldo}
          onChange={(e) => setSaldo(e.target.value)}
          error={localError ?? errors.saldo_inicial}
        />
      </div>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancelar
        </button>
        <button type="submit" className="primary" disabled={action.busy || !tipos.data} aria-busy={action.busy}>
          {action.busy ? "Abriendo…" : "Abrir cuenta"}
        </button>
      </div>
    </form>
  );
}
