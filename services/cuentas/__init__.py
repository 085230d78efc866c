"""cuentas: accounts, balances and the append-only journal (MariaDB/MySQL, behind HAProxy)."""
