"""Strategies: the contract (base.py), uniform/frequency/omission/recency, the registry and tickets.

This package module imports nothing, so ``lotto_lab.strategies.tickets`` stays cheap for the
``predict`` command; import the registry from :mod:`lotto_lab.strategies.registry`.
"""
