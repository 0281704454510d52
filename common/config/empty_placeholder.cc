// Placeholder translation unit removed once common/config has real sources.
