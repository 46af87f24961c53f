"""Redaction: spoken forms, each recogniser, known identifiers, the allow-list, placeholders,
re-rendering, hostile text and the CLI. Real spaCy model, no mocks."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from redaction import CaseIdentifiers, Entity, apply_entities, redact
from redaction.recognisers.ni_number import valid_nino
from redaction.spoken import id_runs, tokenise

# Every test here runs the spaCy English model (redaction or extraction).
pytestmark = pytest.mark.spacy


def _types(text, **kw):
    r = redact(text, **kw)
    return {(e.type, e.text) for e in r.entities}, r


# -- spoken forms -> canonical identifiers, with exact offsets ------------------------------------
@pytest.mark.parametrize("spoken, dense", [
    ("oh seven seven zero zero, nine double zero, four six one", "07700900461"),
    ("L S nine, eight A B", "LS98AB"),
    ("NG 7, 4BX", "NG74BX"),
    ("A4829 KT", "A4829KT"),
    ("twenty nineteen slash zero four five six", "2019/0456"),
    ("triple seven two", "7772"),
    ("forty two", "42"),
])
def test_spoken_identifiers_read_into_canonical_form(spoken, dense):
    runs = id_runs(tokenise(spoken))
    assert [r.dense for r in runs] == [dense]
    start, end = runs[0].span(0, len(dense))
    assert (start, end) == (0, len(spoken))


@pytest.mark.parametrize("text, type_, value", [
    ("Her mobile number is oh seven seven zero zero, nine double zero, four six one.", "PHONE",
     "oh seven seven zero zero, nine double zero, four six one"),
    ("Her phone number is 07700 900461, she said.", "PHONE", "07700 900461"),
    ("He lives at 42 Harehills Lane, Leeds, L S nine, eight A B.", "POSTCODE", "L S nine, eight A B"),
    ("He lives at 42 Harehills Lane, Leeds, LS849 for now.", "POSTCODE", "LS849"),
    ("prison number A4829 KT, released last week", "PRISON_NUMBER", "A4829 KT"),
    ("case reference X482 913 on the file", "CASE_REF", "X482 913"),
    ("His NI number is JK 123456 C.", "NI_NUMBER", "JK 123456 C"),
    ("Her email is priya dot sharma eighty eight at example dot com.", "EMAIL",
     "priya dot sharma eighty eight at example dot com"),
    ("Her email is hannicol92atexample.com. No risk.", "EMAIL", "hannicol92atexample.com"),
    ("Email: daniel.price@example.co.uk today", "EMAIL", "daniel.price@example.co.uk"),
    ("NHS number nine four three, four seven six, five nine one nine.", "NHS_NUMBER",
     "nine four three, four seven six, five nine one nine"),
    ("PNC ID twenty nineteen slash zero four five six seven eight nine Z.", "PNC_ID",
     "twenty nineteen slash zero four five six seven eight nine Z"),
    ("His car, registration Y T sixty eight, K L M, was outside.", "VEHICLE_REG", "Y T sixty eight, K L M"),
    ("sort code twenty, thirty two, ten, and", "BANK", "twenty, thirty two, ten"),
    ("account number 4125 6789.", "BANK", "4125 6789"),
    ("date of birth the second of June nineteen eighty eight, attended", "DATE_OF_BIRTH",
     "second of June nineteen eighty eight"),
    ("He has moved to nine Linden Avenue, Nottingham.", "ADDRESS", "nine Linden Avenue"),
    ("His partner, Dean Hart, has taken her card.", "PERSON", "Dean Hart"),
    ("She owes money to a man called Kyle.", "PERSON", "Kyle"),
])
def test_each_type_is_found_with_exact_span(text, type_, value):
    found, r = _types(text)
    assert (type_, value) in found, r.entities
    assert value not in r.text


def test_espeak_garbled_phone_after_cue_is_still_redacted():
    # Whisper's transcript of espeak saying "oh seven four zero zero, one two three, nine eight seven"
    r = redact("The phone number in 074 near only a row, 1, 2, 3, 987 actions. I will call.")
    assert "987" not in r.text and "074" not in r.text
    assert r.text.endswith("actions. I will call.")


def test_checksums_and_allocation_rules():
    assert valid_nino("JK123456C") and valid_nino("NR987654A")
    assert not valid_nino("QQ123456C") and not valid_nino("GB123456A") and not valid_nino("JK123456E")
    found, _ = _types("He read out 9434765919 and then 9434765918 from the letter")
    assert ("NHS_NUMBER", "9434765919") in found
    assert not any(t == "NHS_NUMBER" and v == "9434765918" for t, v in found)


# -- what must stay -------------------------------------------------------------------------------
def test_agencies_towns_institutions_dates_and_terms_stay():
    text = ("Referred to Forward Leeds and Citizens Advice, and she saw the Jobcentre in Bradford. He was "
            "released from Cardiff Prison on licence and is at the approved premises; his case went to "
            "Leeds Magistrates Court. MAPPA level two. Next appointment is Monday the 23rd of March at 2pm.")
    r = redact(text)
    assert r.text == text, r.entities


def test_forward_leeds_is_not_a_person_but_the_partner_is():
    r = redact("Her partner, Dean Hart, drove her to Forward Leeds on Friday.")
    assert "Forward Leeds" in r.text and "Dean" not in r.text and "Hart" not in r.text


def test_allow_list_is_configurable(casenote_home):
    text = "She now goes to Hope House every week with her friend, Jade."
    assert "Jade" not in redact(text).text
    assert "Hope House" in redact(text, allow_list=["Hope House"]).text
    (casenote_home / "redaction_allow_list.txt").write_text("# our local services\nJade\n")
    assert "Jade" not in redact(text).text      # redaction reads only the file it is given
    from assistant.paths import allow_list_path
    assert allow_list_path() == casenote_home / "redaction_allow_list.txt"
    assert "Jade" in redact(text, allow_list_file=allow_list_path()).text


# -- placeholders and known identifiers ------------------------------------------------------------
def test_same_person_same_placeholder_throughout():
    r = redact("Office appointment with Nathan Brooks. Nathan attended. His brother, Liam Brooks, did not. "
               "Nathan's tenancy is stable.")
    by_text = {}
    for e in r.entities:
        by_text.setdefault(e.text, set()).add(e.placeholder)
    assert by_text["Nathan Brooks"] == by_text["Nathan"]
    assert by_text["Liam Brooks"] != by_text["Nathan Brooks"]
    assert "[PERSON_1]'s tenancy" in r.text or "'s tenancy" in r.text and "Nathan" not in r.text


def test_known_identifiers_always_redacted_including_partial_and_possessive():
    known = CaseIdentifiers(names=["Daniel Okoro"], date_of_birth="1990-04-02",
                            address="12 Mill Street, Leeds, LS9 8AB", other=["X123456"])
    text = ("daniel came in. Daniel's mum drove. Mr Okoro was born on the second of April nineteen ninety. "
            "He still lives on Mill Street, L S nine, eight A B. Case X 123 456. Next appointment 2nd of May.")
    r = redact(text, known=known)
    low = r.text.lower()
    for gone in ("daniel", "okoro", "april", "mill street", "l s nine", "123 456"):
        assert gone not in low, (gone, r.text)
    assert "2nd of May" in r.text
    assert {e.placeholder for e in r.entities if e.text.lower().startswith("daniel")} == {"[PERSON_1]"}


def test_bad_date_of_birth_is_a_clear_error():
    with pytest.raises(ValueError, match="not a date"):
        redact("hello", known=CaseIdentifiers(date_of_birth="not a date at all"))


# -- the result: offsets, originals, re-rendering -------------------------------------------------
def test_result_maps_back_and_keeps_originals_apart():
    text = "Home visit to Chantelle Adams. Her phone number is 07400 123987. Chantelle was well."
    r = redact(text)
    assert r.to_dict()["text"] == r.text
    for e in r.entities:
        assert text[e.start:e.end] == e.text
        pos = r.text.index(e.placeholder)
        assert r.to_original(pos) in {x.start for x in r.entities}
    assert r.to_original(len(r.text)) == len(text)
    assert r.to_original(r.text.index(" was well")) == text.index(" was well")
    originals = r.originals()
    assert set(originals) == {e.placeholder for e in r.entities}
    assert all(v not in r.text for vs in originals.values() for v in vs)


def test_apply_entities_after_a_reviewer_undoes_and_adds():
    text = "Met Robin at Tesco with his friend, Sam Fox."
    r = redact(text)
    kept = [e for e in r.entities if e.text != "Sam Fox"]                       # reviewer: not a person
    added = Entity("PERSON", text.index("Robin"), text.index("Robin") + 5, "Robin")  # reviewer: missed one
    out = apply_entities(text, [e for e in kept if e.start != added.start] + [added])
    assert "Sam Fox" in out.text and "Robin" not in out.text
    with pytest.raises(ValueError, match="overlaps"):
        apply_entities(text, [Entity("PERSON", 0, 6, text[:6]), Entity("PERSON", 4, 9, text[4:9])])
    with pytest.raises(ValueError, match="outside"):
        apply_entities(text, [Entity("PERSON", 0, 999, "x")])


# -- hostile text comes back inert and unchanged apart from redactions ----------------------------
HOSTILE = [
    "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "'; DROP TABLE notes; --",
    "1'); DELETE FROM users WHERE 1=1; --",
    "../../etc/passwd \x00\x07\x1b[31m red \x1b[0m \u202e gnp.exe",
    "{{7*7}} ${jndi:ldap://x} %s%n",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_unchanged_apart_from_redactions(hostile):
    text = f"{hostile} Her phone number is 07700 900461. {hostile}"
    r = redact(text)
    assert r.text == f"{hostile} Her phone number is [PHONE_1]. {hostile}"
    assert [e.type for e in r.entities] == ["PHONE"]


# -- CLI ------------------------------------------------------------------------------------------
def _run(args, input=None):
    from assistant.cli import cli

    return CliRunner().invoke(cli, args, input=input, catch_exceptions=False)


def test_cli_redact_stdin_and_file(tmp_path):
    text = "Her partner, Dean Hart, rang on 07700 900461."
    res = _run(["redact", "--json"], input=text)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(out) == {"text", "entities"} and "Dean" not in out["text"]
    for e in out["entities"]:
        assert set(e) == {"type", "start", "end", "text", "placeholder", "recogniser", "score"}
        assert text[e["start"]:e["end"]] == e["text"]
    f = tmp_path / "t.txt"
    f.write_text(text)
    res = _run(["redact", str(f), "--name", "Dean Hart"])
    assert res.exit_code == 0 and res.output.strip() == out["text"]


@pytest.mark.parametrize("content, message", [
    (b"", "empty"), (b"   \n", "empty"), (b"RIFF\x00\x00WAVEfmt ", "binary"), (b"\xff\xfe\xfa bad", "UTF-8"),
])
def test_cli_redact_bad_input_exits_2(tmp_path, content, message):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    res = CliRunner().invoke(__import__("assistant.cli", fromlist=["cli"]).cli, ["redact", str(f)])
    assert res.exit_code == 2 and message in res.output


def test_cli_redact_missing_file_directory_and_bad_dob(tmp_path):
    from assistant.cli import cli

    runner = CliRunner()
    assert runner.invoke(cli, ["redact", str(tmp_path / "nope.txt")]).exit_code == 2
    assert runner.invoke(cli, ["redact", str(tmp_path)]).exit_code == 2
    res = runner.invoke(cli, ["redact", "--dob", "31st of Smarch"], input="hello there")
    assert res.exit_code == 2 and "date of birth" in res.output


def test_cli_eval_redaction_needs_gold_and_valid_voices(tmp_path):
    from assistant.cli import cli

    runner = CliRunner()
    assert runner.invoke(cli, ["eval", "redaction"]).exit_code == 2
    gold = tmp_path / "g.json"
    gold.write_text('[{"id": "x", "spoken": "hello"}]')
    res = runner.invoke(cli, ["eval", "redaction", "--gold", str(gold), "--voices", "robot"])
    assert res.exit_code == 2 and "robot" in res.output
    gold.write_text('{"not": "a list"}')
    res = runner.invoke(cli, ["eval", "redaction", "--gold", str(gold)])
    assert res.exit_code == 2 and "gold" in res.output


def test_cli_redact_reads_the_officers_allow_list(casenote_home, tmp_path):
    from assistant.cli import cli

    src = tmp_path / "t.txt"
    src.write_text("She now goes to Hope House every week with her friend, Jade.")
    (casenote_home / "redaction_allow_list.txt").write_text("Jade\n")
    r = CliRunner().invoke(cli, ["redact", str(src), "--json"], catch_exceptions=False)
    assert r.exit_code == 0 and "Jade" in json.loads(r.output)["text"]
