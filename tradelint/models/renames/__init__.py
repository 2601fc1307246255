"""TRD4xx: renamed and missing attributes, receiver types, and what installed libraries really have."""
