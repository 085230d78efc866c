/** Clients: server-side search as you type, paginated table, create and edit. */
import { useState } from "react";
import { clientesApi } from "../api/services";
import { ESTADOS_CLIENTE, type Cliente, type EstadoCliente } from "../api/types";
import { useAuth } from "../auth";
import { ClienteForm } from "../components/ClienteForm";
import { EstadoBadge, ErrorAlert, Loading, Notice, Pagination, SelectField, TextField } from "../components/ui";
import { estadoLabel, formatDateTime } from "../format";
import { useAsync, useDebounced } from "../hooks";
import { Link } from "../router";

const LIMIT = 20;

export default function ClientesPage() {
  const { can } = useAuth();
  const [q, setQ] = useState("");
  const [estado, setEstado] = useState<EstadoCliente | "">("");
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Cliente | "new" | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const query = useDebounced(q.trim(), 300);

  const page = useAsync(
    (signal) => clientesApi.list({ q: query || undefined, estado, limit: LIMIT, offset }, signal),
    [query, estado, offset],
  );

  const done = (cliente: Cliente) => {
    setSaved(`Cliente ${cliente.nombre} ${cliente.apellido} guardado (#${cliente.cliente_id}).`);
    setEditing(null);
    page.reload();
  };

  return (
    <section aria-labelledby="clientes-title">
      <div className="page-header">
        <h1 id="clientes-title">Clientes</h1>
        {can("clientes:write") && !editing && (
          <button type="button" className="primary" onClick={() => { setSaved(null); setEditing("new"); }}>
            Nuevo cliente
          </button>
        )}
      </div>
      {saved && <Notice>{saved}</Notice>}
      {editing && (
        <ClienteForm
          cliente={editing === "new" ? null : editing}
          onCreate={clientesApi.create}
          onReplace={clientesApi.replace}
          onDone={done}
          onCancel={() => setEditing(null)}
        />
      )}
      <div className="filters" role="search">
        <TextField
          label="Buscar"
          type="search"
          name="q"
          placeholder="Nombre, apellido, correo o N.º de documento"
          value={q}
          onChange={(e) => { setQ(e.target.value); setOffset(0); }}
        />
        <SelectField label="Estado" name="estado" value={estado} onChange={(e) => { setEstado(e.target.value as EstadoCliente | ""); setOffset(0); }}>
          <option value="">Todos</option>
          {ESTADOS_CLIENTE.map((value) => (
            <option key={value} value={value}>
              {estadoLabel(value)}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorAlert error={page.error} title="No se pudo cargar la lista de clientes" onRetry={page.reload} />
      {page.loading && !page.data && <Loading />}
      {page.data && (
        <>
          <div className="table-wrap" aria-busy={page.loading}>
            <table>
              <caption className="sr-only">Clientes</caption>
              <thead>
                <tr>
                  <th scope="col">N.º</th>
                  <th scope="col">Nombre</th>
                  <th scope="col">Correo</th>
                  <th scope="col">Teléfono</th>
                  <th scope="col">Documento</th>
                  <th scope="col">Estado</th>
                  <th scope="col">Registro</th>
                  <th scope="col">Acciones</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.length === 0 && (
                  <tr>
                    <td colSpan={8}>No hay clientes que coincidan.</td>
                  </tr>
                )}
                {page.data.items.map((c) => (
                  <tr key={c.cliente_id}>
                    <td>{c.cliente_id}</td>
                    <td>
                      {c.nombre} {c.apellido}
                    </td>
                    <td>{c.email}</td>
                    <td>{c.telefono ?? "—"}</td>
                    <td>{c.documentos[0] ? `${c.documentos[0].tipo_documento} ${c.documentos[0].numero_documento}` : "—"}</td>
                    <td>
                      <EstadoBadge estado={c.estado} />
                    </td>
                    <td className="date">{formatDateTime(c.fecha_registro)}</td>
                    <td className="row-actions">
                      {can("clientes:write") && (
                        <button type="button" className="link-button" onClick={() => { setSaved(null); setEditing(c); }}>
                          Editar<span className="sr-only"> a {c.nombre} {c.apellido}</span>
                        </button>
                      )}
                      {can("cuentas:read") && <Link href={`/cuentas?cliente=${c.cliente_id}`}>Cuentas</Link>}
                      {can("perfil:read") && <Link href={`/perfil?cliente=${c.cliente_id}`}>Perfil 360°</Link>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={{ ...page.data, count: page.data.items.length }} onOffset={setOffset} />
        </>
      )}
    </section>
  );
}
