"""Application whose routers are mounted through a chain of modules."""
