"""Evaluation harness: WER/CER on real speech, redaction leaks, field scores, edits from real use."""
