"""Properties of the one renderer and its original <-> redacted offset maps (``redaction.placeholders``),
which the store uses for words, evidence and reviewer redaction changes (hypothesis generates the
texts and entity spans)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from redaction import placeholders as offsets


@st.composite
def text_and_entities(draw):
    words = draw(st.lists(st.text(alphabet="abcXYZ09é-", min_size=1, max_size=8), min_size=1, max_size=25))
    text = " ".join(words)
    starts, pos = [], 0
    for w in words:
        starts.append((pos, pos + len(w)))
        pos += len(w) + 1
    chosen = sorted(draw(st.sets(st.integers(0, len(words) - 1), max_size=len(words))))
    ents, last_end = [], -1
    for i in chosen:
        j = min(len(words) - 1, i + draw(st.integers(0, 2)))   # an entity may span a few words
        s, e = starts[i][0], starts[j][1]
        if s > last_end:
            ents.append({"type": draw(st.sampled_from(["PERSON", "PHONE", "POSTCODE"])), "start": s, "end": e})
            last_end = e
    return text, ents


def _words(text):
    out, pos, t = [], 0, 0.0
    for w in text.split(" "):
        out.append({"word": w, "start": t, "end": t + 0.2, "probability": 0.9, "char_start": pos,
                    "char_end": pos + len(w)})
        pos += len(w) + 1
        t += 0.25
    return out


@settings(max_examples=200, deadline=None)
@given(text_and_entities())
def test_render_and_mappings_agree(case):
    text, ents = case
    red, rendered = offsets.render_dicts(text, ents)
    for e in rendered:
        assert red[e["r_start"]:e["r_end"]] == e["placeholder"]
        assert offsets.to_original(e["r_start"], rendered) == e["start"]
        assert offsets.to_redacted(e["start"], rendered) == e["r_start"]
        assert offsets.to_redacted(e["end"], rendered, at_end=True) == e["r_end"]
    # Same value and type (letters and digits, case-folded) -> same placeholder; different -> different.
    seen = {}
    for e in rendered:
        key = offsets.placeholder_key(e["type"], text[e["start"]:e["end"]])
        assert seen.setdefault(key, e["placeholder"]) == e["placeholder"]
    assert len(set(seen.values())) == len(seen)
    # Outside entities, text maps both ways unchanged.
    for i in range(len(text) + 1):
        if not any(e["start"] < i < e["end"] for e in rendered):
            j = offsets.to_redacted(i, rendered)
            assert offsets.to_original(j, rendered) == i
    # Words re-addressed to the redacted text point at what they say, and no original value survives.
    words = offsets.redacted_words(_words(text), rendered, red)
    assert all(red[w["char_start"]:w["char_end"]] == w["word"] for w in words)
    assert [w["start"] for w in words] == sorted(w["start"] for w in words)
    # Remapping through an identical entity list is the identity.
    for e in rendered:
        assert offsets.remap_span(e["r_start"], e["r_end"], rendered, rendered) == (e["r_start"], e["r_end"])
