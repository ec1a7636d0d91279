"""One module per AWS service; each registers a reader and its checks."""
