"""Server-rendered pages. Thin: they call selectors and services."""
