"""Performance machinery: build state, incremental plans and forked workers, apart from the domain code."""
