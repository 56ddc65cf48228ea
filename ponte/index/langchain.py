"""The hybrid retriever as a LangChain `BaseRetriever`, over the same index the CLI and API use."""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from ..models import SearchRequest


class PonteRetriever(BaseRetriever):
    assistant: Any  # ponte.assistant.Assistant; typed loosely to keep pydantic out of its internals
    k: int = 4
    kind: str | None = "document"

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        results = self.assistant.search(SearchRequest(query=query, k=self.k, kind=self.kind)).results
        snap = self.assistant.snapshot()
        chunks = {c.id: c for c in snap.chunks}
        docs = []
        for r in results:
            text = chunks[r.id].text if r.kind == "document" and r.id in chunks else r.snippet
            docs.append(Document(page_content=text, metadata={"id": r.id, "kind": r.kind, "source_id": r.source_id,
                                                              "title": r.title, "score": r.score, **r.metadata}))
        return docs
