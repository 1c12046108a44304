"""kg: Japanese news → knowledge graph of who signed, visited, supplied and condemned what."""

__version__ = "0.1.0"
