"""SQLite persistence in the state dir.

One connection guarded by a lock; every change runs in ``BEGIN IMMEDIATE`` transactions, so
writers are serialised (also against another process on the same file) and a change is either
wholly on disk or not at all. WAL mode keeps readers (and a kill -9) harmless: committed
transactions survive the process.

Objects are kept as the JSON documents the API returns (``doc``), next to a little private
state (``plan`` of an execution). Money moves only through ``ledger`` rows, whose
UNIQUE(execution_id, operation_id, leg) makes paying the same leg twice impossible.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = ["DB_FILE", "Store"]

DB_FILE = "sandbox.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS configurations (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    doc TEXT NOT NULL,
    created_at REAL NOT NULL,
    deleted_at REAL
);
CREATE TABLE IF NOT EXISTS executions (
    id TEXT PRIMARY KEY,
    config_id TEXT NOT NULL,
    status TEXT NOT NULL,
    doc TEXT NOT NULL,
    plan TEXT NOT NULL,
    created_at REAL NOT NULL,
    launched_at REAL
);
CREATE TABLE IF NOT EXISTS accounts (
    account_id TEXT PRIMARY KEY,
    account_type TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS balances (
    account_id TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    amount TEXT NOT NULL,
    PRIMARY KEY (account_id, asset_id)
);
CREATE TABLE IF NOT EXISTS ledger (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    execution_id TEXT NOT NULL,
    operation_id TEXT NOT NULL,
    leg TEXT NOT NULL,
    account_id TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    delta TEXT NOT NULL,
    at REAL NOT NULL,
    UNIQUE (execution_id, operation_id, leg)
);
CREATE TABLE IF NOT EXISTS idempotency (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE TABLE IF NOT EXISTS nonces (
    scope TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (scope, nonce)
);
"""


class Store:
    """The sandbox database. Thread-safe; transactions never nest."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / DB_FILE
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=30
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._closed = False

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    # -- documents -------------------------------------------------------------------------

    @staticmethod
    def get_configuration(db: sqlite3.Connection, config_id: str) -> dict[str, Any] | None:
        row = db.execute(
            "SELECT doc FROM configurations WHERE id = ? AND deleted_at IS NULL", (config_id,)
        ).fetchone()
        return json.loads(row["doc"]) if row else None

    @staticmethod
    def put_configuration(db: sqlite3.Connection, doc: dict[str, Any], now: float) -> None:
        db.execute(
            "INSERT INTO configurations (id, status, doc, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET status = excluded.status, doc = excluded.doc",
            (doc["configId"], doc["status"], _dump(doc), now),
        )

    @staticmethod
    def delete_configuration(
        db: sqlite3.Connection, config_id: str, status: str, now: float
    ) -> None:
        db.execute(
            "UPDATE configurations SET deleted_at = ?, status = ? WHERE id = ?",
            (now, status, config_id),
        )

    @staticmethod
    def get_execution(
        db: sqlite3.Connection, execution_id: str
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        row = db.execute(
            "SELECT doc, plan FROM executions WHERE id = ?", (execution_id,)
        ).fetchone()
        return (json.loads(row["doc"]), json.loads(row["plan"])) if row else None

    @staticmethod
    def put_execution(
        db: sqlite3.Connection,
        doc: dict[str, Any],
        plan: dict[str, Any],
        now: float,
        *,
        launched: bool = False,
    ) -> None:
        db.execute(
            "INSERT INTO executions (id, config_id, status, doc, plan, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET status = excluded.status, "
            "doc = excluded.doc, plan = excluded.plan",
            (
                doc["executionId"],
                doc["configSnapshot"]["configId"],
                doc["status"],
                _dump(doc),
                _dump(plan),
                now,
            ),
        )
        if launched:
            db.execute(
                "UPDATE executions SET launched_at = ? WHERE id = ? AND launched_at IS NULL",
                (now, doc["executionId"]),
            )

    def ids_in_status(self, table: str, statuses: frozenset[str] | set[str]) -> list[str]:
        if table not in ("configurations", "executions"):
            raise ValueError(table)
        marks = ",".join("?" * len(statuses))
        with self.read() as db:
            rows = db.execute(
                f"SELECT id FROM {table} WHERE status IN ({marks}) ORDER BY created_at",
                tuple(sorted(statuses)),
            ).fetchall()
        return [row["id"] for row in rows]

    # -- money -----------------------------------------------------------------------------

    @staticmethod
    def account(db: sqlite3.Connection, account_id: str) -> str | None:
        """The type of a known account, or None."""
        row = db.execute(
            "SELECT account_type FROM accounts WHERE account_id = ?", (account_id,)
        ).fetchone()
        return row["account_type"] if row else None

    @staticmethod
    def balance(db: sqlite3.Connection, account_id: str, asset_id: str) -> Decimal:
        row = db.execute(
            "SELECT amount FROM balances WHERE account_id = ? AND asset_id = ?",
            (account_id, asset_id),
        ).fetchone()
        return Decimal(row["amount"]) if row else Decimal(0)

    @classmethod
    def post(
        cls,
        db: sqlite3.Connection,
        *,
        execution_id: str,
        operation_id: str,
        leg: str,
        account_id: str,
        asset_id: str,
        delta: Decimal,
        now: float,
    ) -> None:
        """Move money: one ledger row and the balance it changes (raises if the leg exists)."""
        db.execute(
            "INSERT INTO ledger (execution_id, operation_id, leg, account_id, asset_id, delta, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (execution_id, operation_id, leg, account_id, asset_id, str(delta), now),
        )
        new = cls.balance(db, account_id, asset_id) + delta
        db.execute(
            "INSERT INTO balances (account_id, asset_id, amount) VALUES (?, ?, ?) "
            "ON CONFLICT(account_id, asset_id) DO UPDATE SET amount = excluded.amount",
            (account_id, asset_id, str(new)),
        )

    def seed_accounts(self, accounts: dict[str, tuple[str, dict[str, str]]]) -> None:
        """Create the demo accounts and opening balances once per state dir."""
        with self.tx() as db:
            if db.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone():
                return
            for account_id, (account_type, balances) in accounts.items():
                db.execute(
                    "INSERT INTO accounts (account_id, account_type) VALUES (?, ?)",
                    (account_id, account_type),
                )
                for asset_id, amount in balances.items():
                    db.execute(
                        "INSERT INTO balances (account_id, asset_id, amount) VALUES (?, ?, ?)",
                        (account_id, asset_id, amount),
                    )
            db.execute("INSERT INTO meta (key, value) VALUES ('seeded', '1')")

    def balances(self) -> dict[str, dict[str, Decimal]]:
        """Every account's balances: {accountId: {assetId: Decimal}}."""
        with self.read() as db:
            rows = db.execute(
                "SELECT account_id, asset_id, amount FROM balances ORDER BY account_id, asset_id"
            ).fetchall()
        out: dict[str, dict[str, Decimal]] = {}
        for row in rows:
            out.setdefault(row["account_id"], {})[row["asset_id"]] = Decimal(row["amount"])
        return out

    def accounts(self) -> dict[str, str]:
        with self.read() as db:
            rows = db.execute("SELECT account_id, account_type FROM accounts").fetchall()
        return {row["account_id"]: row["account_type"] for row in rows}

    def ledger(self, execution_id: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT execution_id, operation_id, leg, account_id, asset_id, delta FROM ledger"
        args: tuple[str, ...] = ()
        if execution_id is not None:
            query += " WHERE execution_id = ?"
            args = (execution_id,)
        with self.read() as db:
            rows = db.execute(query + " ORDER BY seq", args).fetchall()
        return [{**dict(row), "delta": Decimal(row["delta"])} for row in rows]

    def stats(self) -> dict[str, int]:
        with self.read() as db:

            def count(sql: str) -> int:
                return int(db.execute(sql).fetchone()[0])

            return {
                "configurations_created": count("SELECT COUNT(*) FROM configurations"),
                "configurations_deleted": count(
                    "SELECT COUNT(*) FROM configurations WHERE deleted_at IS NOT NULL"
                ),
                "executions_created": count("SELECT COUNT(*) FROM executions"),
                "executions_launched": count(
                    "SELECT COUNT(*) FROM executions WHERE launched_at IS NOT NULL"
                ),
                "ledger_entries": count("SELECT COUNT(*) FROM ledger"),
            }

    # -- idempotency and nonces --------------------------------------------------------------

    @staticmethod
    def idempotent_response(
        db: sqlite3.Connection, scope: str, key: str, not_before: float
    ) -> tuple[str, int, Any] | None:
        row = db.execute(
            "SELECT fingerprint, status, body FROM idempotency "
            "WHERE scope = ? AND key = ? AND created_at >= ?",
            (scope, key, not_before),
        ).fetchone()
        return (row["fingerprint"], row["status"], json.loads(row["body"])) if row else None

    @staticmethod
    def remember_response(
        db: sqlite3.Connection,
        scope: str,
        key: str,
        fingerprint: str,
        status: int,
        body: Any,
        now: float,
    ) -> None:
        db.execute(
            "INSERT OR REPLACE INTO idempotency "
            "(scope, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (scope, key, fingerprint, status, _dump(body), now),
        )

    def use_nonce(self, scope: str, nonce: str, expires_at: float, now: float) -> bool:
        """Record a nonce; False when it was seen before and has not expired yet."""
        with self.tx() as db:
            db.execute("DELETE FROM nonces WHERE expires_at < ?", (now,))
            try:
                db.execute(
                    "INSERT INTO nonces (scope, nonce, expires_at) VALUES (?, ?, ?)",
                    (scope, nonce, expires_at),
                )
            except sqlite3.IntegrityError:
                return False
        return True


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
