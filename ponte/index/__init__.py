"""Sources to searchable indexes: loading, chunking, encoders, the store, FAISS + BM25 retrieval."""
