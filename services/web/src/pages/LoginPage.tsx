import { useState, type FormEvent } from "react";
import { ApiError } from "../api/errors";
import { useAuth } from "../auth";
import { ErrorAlert, Notice, TextField } from "../components/ui";
import { getConfig } from "../config";
import { useAction } from "../hooks";

export function LoginPage() {
  const { login, notice } = useAuth();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const action = useAction(login);
  const hint = getConfig().devLoginHint;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(username.trim(), password);
  };
  const wrongCredentials = action.error instanceof ApiError && action.error.status === 401;

  return (
    <main className="login" id="main">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">Cloud Bank</h1>
        <p className="muted">Ingrese con su usuario del banco.</p>
        {notice && <Notice kind="warning">{notice}</Notice>}
        {wrongCredentials ? (
          <div className="alert alert-error" role="alert">
            Usuario o contraseña incorrectos.
          </div>
        ) : (
          <ErrorAlert error={action.error} title="No se pudo iniciar sesión" />
        )}
        <TextField
          label="Usuario"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoFocus
        />
        <TextField
          label="Contraseña"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="primary" disabled={action.busy || !username || !password}>
          {action.busy ? "Ingresando…" : "Ingresar"}
        </button>
        {hint && <p className="hint dev-hint">Entorno de desarrollo: {hint}</p>}
      </form>
    </main>
  );
}
