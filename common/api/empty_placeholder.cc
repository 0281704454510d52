// Placeholder translation unit removed once common/api has real sources.
