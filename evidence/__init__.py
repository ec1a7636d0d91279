"""Evidence store: accounts, collection runs, immutable evidence and control status over time."""
