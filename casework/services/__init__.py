"""Staff-side services, one module per area."""
