"""Real-estate register (부동산등기): parcels, buildings, ownership (section A), rights (section B)."""
