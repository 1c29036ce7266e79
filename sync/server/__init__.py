"""fieldsync, the central sync service: `create_app` in app.py, `fieldsync` CLI in cli.py.

Modules: settings (configuration), db (tables, engines, the serialised write
transaction, SQLite checkpoints, migrations), auth (passwords, tokens, rate
limit), accounts (sign-in and admin operations), push (phase 1: decoding and the
checks that need no state), applier (phase 2: duplicates, rules, merge and
conflicts in the write transaction), group_commit (the writer thread), pull
(handing changes out), records (materialised records), changelog (log rows),
audit (hash chain, signed export), notify (long-poll wake-ups), bodylimit (size
limits and gzip on requests), openapi (the schema from the msgspec types).
Every wire type, rule and limit comes from `sync.protocol`.
"""
