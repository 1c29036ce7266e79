"""fieldsync, the central sync service: `create_app` in app.py, `fieldsync` CLI in cli.py.

Modules: settings (configuration), db (tables, engines, the serialised write
transaction, migrations), auth (passwords, tokens, rate limit), accounts
(sign-in and admin operations), push/validate/writer (accepting changes),
pull (handing them out), state (materialised records and visibility),
changelog (log rows), audit (hash chain, signed export), notify (long-poll
wake-ups), bodylimit (size limits and gzip on requests).
"""
