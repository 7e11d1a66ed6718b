"""Real-estate register (부동산등기): parcels, buildings, section A ownership, section B rights."""
