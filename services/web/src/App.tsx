/** The shell: navigation by role, the lazily loaded pages, and the login gate. */
import { lazy, Suspense, useEffect, type ComponentType } from "react";
import { ROLE_LABELS, useAuth, type Scope } from "./auth";
import { Loading } from "./components/ui";
import { LoginPage } from "./pages/LoginPage";
import { Link, navigate, useLocation } from "./router";

interface PageDef {
  path: string;
  label: string;
  scope: Scope;
  component: ComponentType;
}

export const PAGES: PageDef[] = [
  { path: "/dashboard", label: "Dashboard ejecutivo", scope: "analytics:read", component: lazy(() => import("./pages/DashboardPage")) },
  { path: "/clientes", label: "Clientes", scope: "clientes:read", component: lazy(() => import("./pages/ClientesPage")) },
  { path: "/cuentas", label: "Cuentas", scope: "cuentas:read", component: lazy(() => import("./pages/CuentasPage")) },
  { path: "/transacciones", label: "Transacciones", scope: "transacciones:read", component: lazy(() => import("./pages/TransaccionesPage")) },
  { path: "/perfil", label: "Perfil 360°", scope: "perfil:read", component: lazy(() => import("./pages/PerfilPage")) },
];

export function App() {
  const { session, can, logout } = useAuth();
  const { path } = useLocation();
  const allowed = PAGES.filter((page) => can(page.scope));
  const current = allowed.find((page) => page.path === path);

  useEffect(() => {
    if (session && !current && allowed.length > 0) navigate(allowed[0].path, true);
  }, [session, current, allowed]);

  useEffect(() => {
    document.title = current ? `${current.label} · Cloud Bank` : "Cloud Bank";
  }, [current]);

  if (!session) return <LoginPage />;
  const Page = current?.component;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Saltar al contenido
      </a>
      <header className="topbar">
        <span className="brand">Cloud Bank</span>
        <nav aria-label="Secciones">
          <ul>
            {allowed.map((page) => (
              <li key={page.path}>
                <Link href={page.path} aria-current={page.path === path ? "page" : undefined}>
                  {page.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user">
          <span>
            {session.user} · {ROLE_LABELS[session.role] ?? session.role}
          </span>
          <button type="button" onClick={() => logout()}>
            Cerrar sesión
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {allowed.length === 0 && <p>Su perfil no tiene acceso a ninguna sección.</p>}
        {Page && (
          <Suspense fallback={<Loading label="Cargando la página…" />}>
            <Page />
          </Suspense>
        )}
      </main>
    </div>
  );
}
