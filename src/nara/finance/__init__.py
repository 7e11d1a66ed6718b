"""Financial institutions' records (simulated): deposits, loans and insurance by person, as the
Financial Supervisory Service answers Safe Inheritance lookups. Clearly a simulation."""
