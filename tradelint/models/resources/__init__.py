"""TRD2xx: async resources, where each is created and whether its owner closes it."""
