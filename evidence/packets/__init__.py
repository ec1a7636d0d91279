"""Auditor evidence packets: build, sign and verify a ZIP of one audit period."""
