// Placeholder translation unit removed once tests/support has real sources.
