/** Create or edit a client; the API's validation messages appear next to each field. */
import { useState, type FormEvent } from "react";
import { ApiError, fieldErrors } from "../api/errors";
import {
  ESTADOS_CLIENTE,
  TIPOS_DOCUMENTO,
  type Cliente,
  type ClienteCreate,
  type ClienteReplace,
  type EstadoCliente,
  type TipoDocumento,
} from "../api/types";
import { estadoLabel } from "../format";
import { useAction } from "../hooks";
import { ErrorAlert, SelectField, TextField } from "./ui";

// 409 codes that belong to one field
const CONFLICT_FIELDS: Record<string, [string, string]> = {
  duplicate_email: ["email", "Este correo ya está registrado."],
  duplicate_documento: ["documento.numero_documento", "Este número de documento ya está registrado."],
};

interface Props {
  cliente?: Cliente | null;
  onCreate?: (body: ClienteCreate) => Promise<Cliente>;
  onReplace?: (id: number, body: ClienteReplace) => Promise<Cliente>;
  onDone: (cliente: Cliente) => void;
  onCancel: () => void;
}

export function ClienteForm({ cliente, onCreate, onReplace, onDone, onCancel }: Props) {
  const editing = Boolean(cliente);
  const [nombre, setNombre] = useState(cliente?.nombre ?? "");
  const [apellido, setApellido] = useState(cliente?.apellido ?? "");
  const [email, setEmail] = useState(cliente?.email ?? "");
  const [telefono, setTelefono] = useState(cliente?.telefono ?? "");
  const [estado, setEstado] = useState<EstadoCliente>(cliente?.estado ?? "activo");
  const [tipoDocumento, setTipoDocumento] = useState<TipoDocumento>("DNI");
  const [numeroDocumento, setNumeroDocumento] = useState("");
  const [fechaEmision, setFechaEmision] = useState("");
  const [fechaVencimiento, setFechaVencimiento] = useState("");

  const save = async (): Promise<Cliente> => {
    const base = { nombre, apellido, email, telefono: telefono.trim() ? telefono : null, estado };
    if (cliente && onReplace) return onReplace(cliente.cliente_id, base);
    if (!onCreate) throw new Error("no create handler");
    return onCreate({
      ...base,
      documento: {
        tipo_documento: tipoDocumento,
        numero_documento: numeroDocumento,
        fecha_emision: fechaEmision || null,
        fecha_vencimiento: fechaVencimiento || null,
      },
    });
  };
  const action = useAction(save);

  const errors = fieldErrors(action.error);
  if (action.error instanceof ApiError && CONFLICT_FIELDS[action.error.code]) {
    const [field, message] = CONFLICT_FIELDS[action.error.code];
    errors[field] = message;
  }
  const fieldLevel = action.error instanceof ApiError && (action.error.status === 422 || CONFLICT_FIELDS[action.error.code]);
  const formLevel = errors[""] ?? errors.documento;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await action.run();
    if (result?.ok) onDone(result.value);
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="cliente-form-title" noValidate>
      <h2 id="cliente-form-title">{editing ? `Editar cliente #${cliente!.cliente_id}` : "Nuevo cliente"}</h2>
      {fieldLevel ? (
        <div className="alert alert-error" role="alert">
          Revise los campos marcados.{formLevel ? ` ${formLevel}` : ""}
        </div>
      ) : (
        <ErrorAlert error={action.error} title="No se pudo guardar" />
      )}
      <div className="grid-2">
        <TextField label="Nombre" name="nombre" value={nombre} onChange={(e) => setNombre(e.target.value)} error={errors.nombre} required />
        <TextField label="Apellido" name="apellido" value={apellido} onChange={(e) => setApellido(e.target.value)} error={errors.apellido} required />
        <TextField label="Correo electrónico" name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} required />
        <TextField
          label="Teléfono"
          name="telefono"
          type="tel"
          value={telefono}
          onChange={(e) => setTelefono(e.target.value)}
          error={errors.telefono}
          hint="Ejemplo: +51 987 654 321"
        />
        <SelectField label="Estado" name="estado" value={estado} onChange={(e) => setEstado(e.target.value as EstadoCliente)} error={errors.estado}>
          {ESTADOS_CLIENTE.map((value) => (
            <option key={value} value={value}>
              {estadoLabel(value)}
            </option>
          ))}
        </SelectField>
      </div>
      {!editing && (
        <fieldset>
          <legend>Documento de identidad</legend>
          <div className="grid-2">
            <SelectField
              label="Tipo de documento"
              name="tipo_documento"
              value={tipoDocumento}
              onChange={(e) => setTipoDocumento(e.target.value as TipoDocumento)}
              error={errors["documento.tipo_documento"]}
            >
              {TIPOS_DOCUMENTO.map((value) => (
                <option key={value} value={value}>
                  {value === "Carnet Extranjeria" ? "Carné de extranjería" : value}
                </option>
              ))}
            </SelectField>
            <TextField
              label="Número de documento"
              name="numero_documento"
              value={numeroDocumento}
              onChange={(e) => setNumeroDocumento(e.target.value)}
              error={errors["documento.numero_documento"]}
              hint="DNI: 8 dígitos; RUC: 11 dígitos"
              required
            />
            <TextField
              label="Fecha de emisión"
              name="fecha_emision"
              type="date"
              value={fechaEmision}
              onChange={(e) => setFechaEmision(e.target.value)}
              error={errors["documento.fecha_emision"]}
            />
            <TextField
              label="Fecha de vencimiento"
              name="fecha_vencimiento"
              type="date"
              value={fechaVencimiento}
              onChange={(e) => setFechaVencimiento(e.target.value)}
              error={errors["documento.fecha_vencimiento"]}
            />
          </div>
        </fieldset>
      )}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancelar
        </button>
        <button type="submit" className="primary" disabled={action.busy} aria-busy={action.busy}>
          {action.busy ? "Guardando…" : editing ? "Guardar cambios" : "Registrar cliente"}
        </button>
      </div>
    </form>
  );
}
