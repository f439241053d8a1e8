"""Staff-side views, one module per area."""
