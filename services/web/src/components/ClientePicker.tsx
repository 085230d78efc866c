/** Find a client by typing (server-side search, debounced) and pick one. */
import { useState } from "react";
import type { ClienteBasico } from "../api/types";
import { useAsync, useDebounced } from "../hooks";
import { EstadoBadge, ErrorAlert, TextField } from "./ui";

interface Props<C extends ClienteBasico> {
  label?: string;
  search: (q: string, signal: AbortSignal) => Promise<C[]>;
  onPick: (cliente: C) => void;
}

export function ClientePicker<C extends ClienteBasico>({ label = "Buscar cliente", search, onPick }: Props<C>) {
  const [q, setQ] = useState("");
  const query = useDebounced(q.trim(), 300);
  const results = useAsync((signal) => (query ? search(query, signal) : Promise.resolve([])), [query]);
  return (
    <div className="picker" role="search">
      <TextField
        label={label}
        type="search"
        name="buscar-cliente"
        placeholder="Nombre, apellido, correo o N.º de documento"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        autoComplete="off"
      />
      <ErrorAlert error={results.error} title="No se pudo buscar" onRetry={results.reload} />
      {query && results.data && (
        <ul className="picker-results" aria-label="Resultados de la búsqueda" aria-busy={results.loading}>
          {results.data.length === 0 && !results.loading && <li className="muted">Sin resultados.</li>}
          {results.data.map((c) => (
            <li key={c.cliente_id}>
              <button type="button" className="picker-item" onClick={() => { setQ(""); onPick(c); }}>
                <span>
                  {c.nombre} {c.apellido} <small className="muted">#{c.cliente_id} · {c.email}</small>
                </span>
                <EstadoBadge estado={c.estado} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
