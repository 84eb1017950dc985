"""The output layer: formats (json, plain, csv), Rich tables, guide documents, progress bars.

Renderers are handed what they draw (core records and payloads built by the commands); they
never load data files themselves (an import-linter contract forbids importing the store).
"""
