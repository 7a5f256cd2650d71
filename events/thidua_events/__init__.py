"""The thidua event contract, shared by the ledger, the documents service and outside subscribers."""
