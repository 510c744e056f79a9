"""Content: what the pages show, built from the engine's edition (tables, charts, words, downloads)."""
