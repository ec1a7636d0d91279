"""Reads from the evidence store and catalog, shaped for services, views and the API."""
