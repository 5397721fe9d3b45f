"""The Textual UI of `openclaw onboard`: rendering only; every rule lives in `wizard/`.

One Screen per step (quickstart.py ... authorization.py), review.py, done.py, the quit
modal, and the shared widgets (sidebar, field rows, sign-in panel). `app.run_onboard`
is the entry point `wizard.commands.onboard` calls once it has decided on a terminal.
"""
