/**
 * Create a transaction of any tipo with the rules the API enforces: deposit to a destination,
 * withdrawal and service payment from an origin, transfer between two different accounts of
 * the same currency; amount > 0 with at most 2 decimals. One Idempotency-Key per operation,
 * and the button is disabled while it is in flight, so a double click moves money once.
 */
import { useRef, useState, type FormEvent } from "react";
import { ApiError, fieldErrors } from "../api/errors";
import { ActionKey } from "../api/idempotency";
import { cuentasApi } from "../api/services";
import { TIPOS_TRANSACCION, type Cuenta, type TipoTransaccion, type Transaccion, type TransaccionCreate } from "../api/types";
import { formatMoney, parseAmount, tipoLabel } from "../format";
import { useAction, useAsync } from "../hooks";
import { ErrorAlert, SelectField, TextField } from "./ui";

export const NEEDS: Record<TipoTransaccion, { origen: boolean; destino: boolean }> = {
  DEPOSITO: { origen: false, destino: true },
  RETIRO: { origen: true, destino: false },
  PAGO_SERVICIO: { origen: true, destino: false },
  TRANSFERENCIA: { origen: true, destino: true },
};

const SUBMIT_LABELS: Record<TipoTransaccion, string> = {
  DEPOSITO: "Depositar",
  RETIRO: "Retirar",
  PAGO_SERVICIO: "Pagar servicio",
  TRANSFERENCIA: "Transferir",
};

export interface TxDraft {
  tipo: TipoTransaccion;
  origen: string;
  destino: string;
  monto: string;
  descripcion: string;
}

/** Client-side checks that mirror the API's rules (the API stays the judge). */
export function validateDraft(draft: TxDraft, origen?: Cuenta | null, destino?: Cuenta | null): Record<string, string> {
  const errors: Record<string, string> = {};
  const needs = NEEDS[draft.tipo];
  if (needs.origen && !/^\d+$/.test(draft.origen)) errors.cuenta_origen_id = "Indique la cuenta de origen.";
  if (needs.destino && !/^\d+$/.test(draft.destino)) errors.cuenta_destino_id = "Indique la cuenta de destino.";
  if (draft.tipo === "TRANSFERENCIA" && draft.origen && draft.origen === draft.destino) {
    errors.cuenta_destino_id = "La cuenta de destino debe ser distinta de la de origen.";
  }
  if (draft.tipo === "TRANSFERENCIA" && origen && destino && origen.moneda !== destino.moneda) {
    errors.cuenta_destino_id = `Las cuentas deben tener la misma moneda (${origen.moneda} y ${destino.moneda}).`;
  }
  const amount = parseAmount(draft.monto);
  if (!amount || amount === "0.00") errors.monto = "Ingrese un monto mayor que cero, con hasta 2 decimales.";
  if (draft.descripcion.length > 255) errors.descripcion = "Como máximo 255 caracteres.";
  return errors;
}

export function toRequest(draft: TxDraft, moneda: string): TransaccionCreate {
  const needs = NEEDS[draft.tipo];
  return {
    tipo: draft.tipo,
    cuenta_origen_id: needs.origen ? Number(draft.origen) : null,
    cuenta_destino_id: needs.destino ? Number(draft.destino) : null,
    monto: parseAmount(draft.monto) ?? draft.monto,
    moneda: moneda as TransaccionCreate["moneda"],
    descripcion: draft.descripcion.trim() || null,
  };
}

function useCuenta(id: string) {
  return useAsync(() => (/^\d+$/.test(id) ? cuentasApi.get(Number(id)) : Promise.resolve(null)), [id]);
}

interface Props {
  initial?: Partial<TxDraft>;
  create: (body: TransaccionCreate, key: string) => Promise<Transaccion>;
  onCreated: (tx: Transaccion) => void;
}

export function TransaccionForm({ initial, create, onCreated }: Props) {
  const [draft, setDraft] = useState<TxDraft>({
    tipo: "DEPOSITO",
    origen: "",
    destino: "",
    monto: "",
    descripcion: "",
    ...initial,
  });
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const key = useRef(new ActionKey()).current;
  const needs = NEEDS[draft.tipo];
  const origen = useCuenta(needs.origen ? draft.origen : "");
  const destino = useCuenta(needs.destino ? draft.destino : "");
  const moneda = (needs.origen ? origen.data?.moneda : destino.data?.moneda) ?? "PEN";

  const action = useAction(async (body: TransaccionCreate) => {
    const tx = await create(body, key.for(body));
    key.done();
    return tx;
  });
  const apiErrors = fieldErrors(action.error);
  const errors = { ...apiErrors, ...localErrors };
  const set = (patch: Partial<TxDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setLocalErrors({});
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (action.busy) return;
    const found = validateDraft(draft, origen.data, destino.data);
    setLocalErrors(found);
    if (Object.keys(found).length > 0) return;
    const result = await action.run(toRequest(draft, moneda));
    if (result?.ok) {
      onCreated(result.value);
      setDraft((d) => ({ ...d, monto: "", descripcion: "" }));
      origen.reload(); // the balances shown under the account fields changed
      destino.reload();
    }
  };

  const amount = parseAmount(draft.monto);
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="tx-form-title" noValidate>
      <h2 id="tx-form-title">Nueva transacción</h2>
      {action.error instanceof ApiError && action.error.status === 422 ? (
        <div className="alert alert-error" role="alert">
          Revise los campos marcados.{apiErrors[""] ? ` ${apiErrors[""]}` : ""}
        </div>
      ) : (
        <ErrorAlert error={action.error} title="No se pudo registrar la transacción" />
      )}
      <div className="grid-3">
        <SelectField label="Tipo" name="tipo" value={draft.tipo} onChange={(e) => set({ tipo: e.target.value as TipoTransaccion })} error={errors.tipo}>
          {TIPOS_TRANSACCION.map((t) => (
            <option key={t} value={t}>
              {tipoLabel(t)}
            </option>
          ))}
        </SelectField>
        {needs.origen && (
          <TextField
            label="Cuenta de origen (ID)"
            name="cuenta_origen_id"
            inputMode="numeric"
            value={draft.origen}
            onChange={(e) => set({ origen: e.target.value.trim() })}
            error={errors.cuenta_origen_id}
            hint={describeCuenta(origen.data, origen.error)}
            required
          />
        )}
        {needs.destino && (
          <TextField
            label="Cuenta de destino (ID)"
            name="cuenta_destino_id"
            inputMode="numeric"
            value={draft.destino}
            onChange={(e) => set({ destino: e.target.value.trim() })}
            error={errors.cuenta_destino_id}
            hint={describeCuenta(destino.data, destino.error)}
            required
          />
        )}
        <TextField
          label={`Monto (${moneda})`}
          name="monto"
          inputMode="decimal"
          value={draft.monto}
          onChange={(e) => set({ monto: e.target.value })}
          error={errors.monto ?? errors.moneda}
          required
        />
        <TextField
          label="Descripción"
          name="descripcion"
          value={draft.descripcion}
          maxLength={255}
          onChange={(e) => set({ descripcion: e.target.value })}
          error={errors.descripcion}
        />
      </div>
      {amount && amount !== "0.00" && (
        <p className="summary" aria-live="polite">
          {tipoLabel(draft.tipo)} de {formatMoney(amount, moneda)}
          {needs.origen && draft.origen ? ` desde la cuenta ${draft.origen}` : ""}
          {needs.destino && draft.destino ? ` hacia la cuenta ${draft.destino}` : ""}.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={action.busy} aria-busy={action.busy}>
          {action.busy ? "Procesando…" : SUBMIT_LABELS[draft.tipo]}
        </button>
      </div>
    </form>
  );
}

function describeCuenta(cuenta: Cuenta | null | undefined, error: unknown): string | undefined {
  if (error instanceof ApiError && error.status === 404) return "No existe una cuenta con ese ID.";
  if (error) return "No se pudo consultar la cuenta.";
  if (!cuenta) return undefined;
  return `${cuenta.numero_cuenta} · ${cuenta.moneda} · ${cuenta.estado} · saldo ${formatMoney(cuenta.saldo, cuenta.moneda)}`;
}
