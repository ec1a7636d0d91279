"""The control catalog: frameworks, criteria, company controls and their mappings."""
