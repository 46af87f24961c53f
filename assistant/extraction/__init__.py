"""Note fields with evidence, and the CRISSA layout, from a dictation's (redacted) transcript.

Contract (docs/ARCHITECTURE.md): ``extract(text, contact_date) -> Extraction`` with ``Field``,
``Evidence`` and ``Sentence``; ``Extraction.to_dict()`` and ``Extraction.crissa_text()``.
"""
import models.spacy_pipeline  # noqa: F401  (first: spaCy is imported without torch, see there)
from assistant.extraction.extract import extract
from assistant.extraction.nlp import ExtractionError
from assistant.extraction.schema import FIELD_NAMES, SECTIONS, Evidence, Extraction, Field, Sentence
from assistant.extraction.timing import add_audio_times

__all__ = ["extract", "Extraction", "Field", "Evidence", "Sentence", "FIELD_NAMES", "SECTIONS", "ExtractionError",
           "add_audio_times"]
