"""Staff-side forms, one module per area."""
