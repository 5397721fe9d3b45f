"""One module per command family; cli.py imports the one it dispatches to, lazily."""
