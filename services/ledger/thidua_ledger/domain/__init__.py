"""The ledger's domain: aggregates that record facts and guard the rules.

Imports no web, database or Kafka code.
"""
