// Placeholder translation unit removed once common/mysql has real sources.
