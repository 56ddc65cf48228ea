"""The service layer: one `Assistant` owns the index, the profile store, the answerer and the matcher."""
from .service import Assistant

__all__ = ["Assistant"]
