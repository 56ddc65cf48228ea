"""Ponte: multilingual chat and semantic search for the Lombardy–Pernambuco MetalMec partnership."""

__version__ = "0.1.0"
