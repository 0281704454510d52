// Placeholder translation unit removed once common/server has real sources.
