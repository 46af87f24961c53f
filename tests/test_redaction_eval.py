"""The gold tests of ../shared/spec/gold-format.md as eval.redaction_eval applies them."""
from __future__ import annotations

from eval.redaction_eval import item_leaked, item_present, large_part, must_keep_present


def test_leak_tokens_count_only_words_the_transcript_holds():
    pii = {"type": "PERSON", "leak_tokens": ["hannah", "cole"]}
    assert item_present(pii, "Video appointment with Hannah. Hannah attended.")
    assert not item_present(pii, "Video appointment with hannacole.")          # misheard: cannot leak
    assert item_leaked(pii, "with Hannah Cole", "with [PERSON_1] Cole")
    assert not item_leaked(pii, "with Hannah", "with [PERSON_1], her cole bill")  # "cole" was not heard


def test_leak_id_reads_spoken_digits_and_needs_a_large_part():
    pii = {"type": "PHONE", "leak_id": "07400123987"}
    assert large_part("07400123987") == 6 and large_part("ng74bx") == 4
    assert item_present(pii, "Her phone number is oh seven four zero zero, one two three, nine eight seven.")
    assert item_present(pii, "number in 074 near only a row, 1, 2, 3, 987 actions")       # 123987: 6 in a row
    assert not item_present(pii, "number 074 and 987")
    assert item_leaked(pii, "", "Her phone number is [PHONE_1] 123 987.")
    assert not item_leaked(pii, "", "Her phone number is [PHONE_1].")


def test_near_finds_both_words_within_six():
    pii = {"type": "DATE_OF_BIRTH", "near": ["june", "1988"]}
    assert item_present(pii, "date of birth the second of June 1988, attended")
    assert not item_present(pii, "June was wet. " + "word " * 8 + "1988")
    assert not item_leaked(pii, "", "date of birth [DATE_OF_BIRTH_1], attended")


def test_must_keep_matches_whole_words():
    assert must_keep_present("st mungo", "referred to St Mungo's today")
    assert not must_keep_present("council", "the councillor")
