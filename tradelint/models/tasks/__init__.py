"""TRD3xx: asyncio tasks, which calls create one and whether anything keeps, awaits or cancels it."""
