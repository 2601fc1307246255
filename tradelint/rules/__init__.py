"""One module per rule, named after the problem. Modules here are imported automatically."""
