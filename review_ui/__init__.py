"""Gradio review screen (see docs/ARCHITECTURE.md)."""
