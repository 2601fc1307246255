"""TRD1xx: which classes are dataclass-like at runtime, their fields, and who uses a field as one."""
