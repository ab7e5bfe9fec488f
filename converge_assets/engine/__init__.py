"""The migration engine: configuration, the servers, catalog and discovery, the target schema,
the conversion plan, export, load, parity, refusals and the run directory. It knows nothing of
Dagster (a test imports every module of it and finds no `dagster` loaded); the package around it
turns its outcomes into assets, checks and runs."""
