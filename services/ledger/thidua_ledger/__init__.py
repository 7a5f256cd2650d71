"""The thidua ledger: the source of truth of every emulation year (phong trào thi đua)."""
