"""This project's dg defs folder: components added with `dg scaffold defs` land here, and
definitions.py merges them into the code location beside converge.yaml's sources."""
