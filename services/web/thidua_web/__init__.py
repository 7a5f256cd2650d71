"""The thidua web workplace: pages in Vietnamese over the ledger's and the documents service's APIs."""
