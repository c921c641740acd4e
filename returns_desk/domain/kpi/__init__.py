"""The desk's KPIs: what each one measures (numerator and denominator, versioned), the
presets a store picks its first five from, and how a value compares with an earlier one."""
