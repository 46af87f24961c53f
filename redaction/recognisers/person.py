"""Names of people: spaCy's PERSON entities, names after the phrases officers use ("his partner,
X", "a man called X", "Doctor X", "appointment with X"), and then every later mention of a found
name, whole or in part, possessive or not ("Daniel's"), so one person keeps one placeholder.
Allow-listed terms ("Forward Leeds", towns, days) are never names."""
from __future__ import annotations

import re

from redaction.analysis import Analysis, PhraseIndex, is_common_word, only_adjective, stop_words
from redaction.model import Entity
from redaction.placeholders import placeholder_pattern
from redaction.recognisers.address import NEEDS_NUMBER, STREET_WORDS
from redaction.recognisers.base import Recogniser
from redaction.spoken import Token

__all__ = ["PersonRecogniser", "PERSON_CUES", "strip_possessive"]

# Words after which a capitalised word is a person's name.
PERSON_CUES = {
    # relations and roles
    "partner": 0.85, "ex partner": 0.85, "mother": 0.85, "mum": 0.85, "father": 0.85, "dad": 0.85, "son": 0.85,
    "daughter": 0.85, "brother": 0.85, "sister": 0.85, "aunt": 0.85, "auntie": 0.85, "uncle": 0.85,
    "cousin": 0.85, "nephew": 0.85, "niece": 0.85, "grandmother": 0.85, "grandfather": 0.85, "nan": 0.8,
    "gran": 0.8, "grandson": 0.85, "granddaughter": 0.85, "stepfather": 0.85, "stepmother": 0.85,
    "stepson": 0.85, "stepdaughter": 0.85, "husband": 0.85, "wife": 0.85, "ex husband": 0.85, "ex wife": 0.85,
    "boyfriend": 0.85, "girlfriend": 0.85, "fiance": 0.85, "fiancé": 0.85, "fiancee": 0.85, "friend": 0.8,
    "neighbour": 0.8, "associate": 0.85, "co defendant": 0.85, "co-defendant": 0.85, "codefendant": 0.85,
    "victim": 0.85, "child": 0.8, "baby": 0.8, "landlord": 0.85, "landlady": 0.85, "employer": 0.7,
    "manager": 0.7, "boss": 0.75, "colleague": 0.8, "nurse": 0.85, "psychiatrist": 0.85, "psychologist": 0.85,
    "counsellor": 0.85, "worker": 0.85, "key worker": 0.85, "keyworker": 0.85, "support worker": 0.9,
    "social worker": 0.9, "mentor": 0.8, "sponsor": 0.8, "carer": 0.8, "solicitor": 0.8, "coach": 0.75,
    "doctor": 0.85, "dr": 0.85, "mr": 0.9, "mrs": 0.9, "ms": 0.9, "miss": 0.85, "mx": 0.9, "officer": 0.7,
    "pc": 0.8, "sergeant": 0.8, "detective": 0.8,
    # as officers say them in spontaneous dictation ("her lad Ciaran", "his little girl Amber")
    "lad": 0.8, "little girl": 0.85, "little boy": 0.85, "eldest": 0.8, "youngest": 0.8, "stepdad": 0.85,
    "stepmum": 0.85, "grandma": 0.85, "grandad": 0.85, "interpreter": 0.8, "talking to": 0.7, "speaking to": 0.7,
    # naming phrases
    "called": 0.85, "named": 0.9, "known as": 0.9, "name is": 0.9, "calls himself": 0.9, "calls herself": 0.9,
    "goes by": 0.85, "nicknamed": 0.9,
    # the person the note is about
    "appointment with": 0.85, "visit to": 0.85, "contact with": 0.8, "spoke to": 0.75, "spoke with": 0.75,
    "met with": 0.75, "session with": 0.85, "call with": 0.8, "visited": 0.75, "saw": 0.6, "seen": 0.6,
    "meeting with": 0.75, "interview with": 0.8, "supervision with": 0.85, "phoned": 0.7, "rang": 0.7,
    "texted": 0.75, "emailed": 0.7, "told": 0.6, "asked": 0.6, "with": 0.55, "to": 0.0, "and": 0.0,
}
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "sir", "dame", "pc", "dc", "ds", "sergeant",
           "nurse", "detective", "officer"}
# Capitalised words that start clauses and are never names.
_NOT_NAMES = frozenset("""i i'm i've i'll i'd he she they we you it his her their our my your its the a an this that
these those there here he's she's they're we're it's and but so or then when if as on in at of to for by with from
after before while because since also today tomorrow yesterday next last actions action next appointment
office home video telephone phone no yes not nothing none risk risks issues concern concerns mr mrs ms miss dr doctor
sir madam please thanks thank ok okay well um uh oh summary check review intervention set task
nobody somebody someone everyone anyone everybody anybody noone""".split())
# What the person a note is about does, said right after their name at the start of a clause.
_SUBJECT_VERBS = frozenset("""attended arrived came comes will was is has had said says told tells agreed reported
missed failed called rang phoned texted emailed brought completed did does admitted disclosed explained wants needs
asked seemed seems appeared appears looked presented engaged continues remains lives lived moved started finished
should must can could would may might spoke confirmed denied accepted refused declined went left returned
stayed answered understands understood knows isn't wasn't hasn't hadn't doesn't didn't won't can't wouldn't
couldn't""".split())
# Verbs an officer opens a sentence with ("Went to the office", "Spoke to him about work"). Whisper
# capitalises them there, which made the "Name to <verb>" shape read them as people. Verbs that are
# also given names (Said, Rose, Grace, Will) are left out on purpose.
_SENTENCE_VERBS = frozenset("""went spoke talked met called phoned rang visited discussed agreed explained asked
told saw attended arrived returned reported moved referred signposted completed checked reminded gave sent
emailed wrote tried managed decided arranged booked left came got made spent offered advised encouraged
helped noted received contacted""".split())
# Relations that are also the first word of a compound noun ("victim contact", "partner agency").
_MODIFIER_CUES = frozenset({"victim", "child", "baby", "partner", "worker", "officer", "manager", "friend",
                            "employer", "associate", "colleague", "key worker", "support worker"})
# Professionals named by their role in apposition ("rob, their social worker").
_ROLES = frozenset({"social worker", "support worker", "key worker", "keyworker", "worker", "counsellor", "nurse",
                    "doctor", "solicitor", "mentor", "landlord", "landlady", "psychiatrist", "psychologist",
                    "interpreter", "sponsor", "carer", "coach", "manager", "boss", "employer"})
_PRONOUNS = frozenset({"she", "he", "they", "she's", "he's", "they're", "she'll", "he'll", "they'll", "she'd",
                       "he'd", "they'd", "who", "her", "him", "them"})
# Words before the opening name ("Right, this is, um, ...") and the contact types said after it.
_OPENING_FILLERS = frozenset("right okay ok so um uh er erm this is it's for yeah and then".split())
_PERSON = placeholder_pattern("PERSON")   # a name already redacted: "[PERSON_1], Seun"
_FILLERS = frozenset("um uh er erm her ah eh".split())      # Whisper writes "er" as "her"
_AGENT_VERBS = frozenset("said says told rang phoned texted can't couldn't won't wants agreed thinks".split())
# Around a word used as the verb it also is: "I hope", "we'd hope to", "hope that".
_VERB_BEFORE = frozenset("""i we you they he she to will would can could might may don't do did not i'm we're
i'd we'd i'll we'll really just""".split())
_VERB_AFTER = frozenset("to that so for you we i he she they".split())
_AFTER_NICKNAME = frozenset("at in from who was is has had".split())
# After a lower-case mention of a person whose name is also a word, what shows the person acting: a verb
# the word itself cannot take there ("will said", "will needed his address", "hope was tired").
_ACTS_AFTER = frozenset("""said says told tells rang rings phoned texted emailed messaged called needed needs
wanted wants was has had thinks thought reckons asked agreed came went got sat put reckoned""".split())
_ACTS_AFTER_OWNED = frozenset("going been got gonna".split())     # "will's going to find him a course"
_SPEECH_VERBS = frozenset("rang rung rings phoned texted emailed said says told called messaged".split())
_ATTENDANCE_WORDS = frozenset("failed missed attended didn't did no dna late".split())
_CONTACT_WORDS = frozenset("""office home visit phone telephone video planned arranged appointment contact
call seen attended""".split())
# What a person does and a thing does not, right after a subject: "... szymanski failed to attend".
_PERSON_ONLY_VERBS = frozenset("""said says told rang phoned texted emailed failed attended missed arrived agreed
admitted denied asked explained disclosed reported refused promised apologised apologized""".split())
_AFTER_TALKED_TO = frozenset("""this today yesterday tonight about and on at in last earlier who after before again
when because but so from over first""".split())
# Before a name that is also a word, what makes it the word: "she was happy", "there was hope".
_ADJ_BEFORE = frozenset("was is be been being very so quite really too more less feeling seemed seems".split())
_AFTER_OFFICE = frozenset("appointment book booked books on today this".split())
_CLAUSE_START = frozenset({".", "!", "?", ",", ";", ":", "and", "but", "so", "then"})
_SUBJECT_START = _CLAUSE_START | {"because", "cos", "since", "when", "if", "while"}
_DETERMINERS = frozenset({"the", "her", "his", "their", "my", "a", "an", "our", "your"})
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$", re.I)


def strip_possessive(word: str) -> str:
    return _POSSESSIVE.sub("", word)


# Before a common word, these make it the word and not a name: "the bill", "a new dawn shift".
_WORD_BEFORE = _DETERMINERS | {"new", "next", "last", "early", "late", "night", "day", "any", "no",
                               "every", "each", "some"}


def _used_as_word(toks: list[Token], k: int) -> bool:
    """A later mention of a name that is here an ordinary word: "she will phone" beside a person Will,
    "the bill was paid" beside Bill, "a new dawn shift" beside Dawn. Whisper capitalises names, so a
    lowercase common word is the word; so is one after a determiner ("the Bill" is not Bill)."""
    t = toks[k]
    word = strip_possessive(t.raw)
    if not is_common_word(word):
        return False
    if word[:1].islower():
        return True
    return k > 0 and toks[k - 1].lower in _WORD_BEFORE and toks[k - 1].kind == "word"


def _name_use(toks: list[Token], k: int) -> bool:
    """Is the word at ``k`` (a name that is also a word) used as the name here, not as the word?"""
    before = toks[k - 1].lower if k else "."
    after = toks[k + 1].lower if k + 1 < len(toks) else "."
    return before not in _VERB_BEFORE and before not in _WORD_BEFORE and before not in _ADJ_BEFORE \
        and after not in _VERB_AFTER


def _office_heard(toks: list[Token], k: int, first: int) -> bool:
    """Whisper's "of his" for "office" right after an opening name of two words or more (a garbled name:
    "Tobias and Kreel of his appointment"); one word before it is ordinary speech ("Most of his ...")."""
    if not (k - first >= 2 and toks[k].lower == "of" and k + 2 < len(toks) and toks[k + 1].lower == "his"
            and toks[first].raw[:1].isupper() and toks[first].lower not in stop_words()):
        return False
    after = toks[k + 2].lower                 # what the opening says next: "appointment", "booked", ", on time"
    return after in _AFTER_OFFICE or after in _ATTENDANCE_WORDS or toks[k + 2].kind == "punct"


def _restarted(toks: list[Token], k: int, found: list[Entity]) -> bool:
    """The officer restarting on a name just said ("my colleague Will, will, um, ..."): the word at ``k``
    repeats, after a comma, the mention right before it that was taken as the person."""
    return (k >= 2 and toks[k - 1].raw == "," and bool(found) and found[-1].end >= toks[k - 2].start
            and found[-1].start <= toks[k - 2].start
            and strip_possessive(toks[k - 2].raw).lower() == strip_possessive(toks[k].raw).lower())


def _verb_before(toks: list[Token], k: int) -> bool:
    """The word at ``k`` stands where a verb or a common noun would ("I hope", "we will", "the bill")."""
    return k > 0 and (toks[k - 1].lower in _VERB_BEFORE or toks[k - 1].lower in _WORD_BEFORE)


def _name_token(t: Token) -> bool:
    w = strip_possessive(t.raw)
    return t.kind == "word" and len(w) >= 2 and w[:1].isupper() and w.lower() not in _NOT_NAMES


class PersonRecogniser(Recogniser):
    name = "person"
    type = "PERSON"

    def __init__(self):
        self._cues = PhraseIndex([c for c, s in PERSON_CUES.items() if s > 0])

    # -- candidates ----------------------------------------------------------------------------------
    def _from_spacy(self, a: Analysis) -> list[tuple[int, int, float]]:
        out = []
        for s, e, label in a.ner:
            if label != "PERSON":
                continue
            i, j = a.token_index_at(s), min(len(a.tokens), a.token_index_at(e - 1) + 1)
            while i < j and (a.tokens[i].lower.rstrip(".") in _TITLES or a.tokens[i].lower in _NOT_NAMES):
                i += 1
            while j > i and (a.tokens[j - 1].kind == "punct" or a.tokens[j - 1].lower in _NOT_NAMES):
                j -= 1
            if i >= j or any(t.kind in ("digits", "alnum") for t in a.tokens[i:j]):
                continue
            out.append((i, j, 0.75))
        return out

    def _from_cues(self, a: Analysis) -> list[tuple[int, int, float]]:
        toks, out = a.tokens, []
        for _, j, phrase in self._cues.find(toks):
            score = PERSON_CUES[phrase]
            k = j
            while k < len(toks) and toks[k].raw in (",", ":", "-", ".") and k - j < 2:
                k += 1
            while k < len(toks) and toks[k].lower.rstrip(".") in _TITLES:   # "her GP, Doctor Shah"
                k += 1
            first = k
            while k < len(toks) and k - first < 4:
                t = toks[k]
                if _name_token(t):
                    k += 1
                    if not t.raw.endswith(("'s", "’s")) and k + 1 < len(toks) and toks[k].raw in ("-", "'") \
                            and _name_token(toks[k + 1]):
                        k += 1           # "Al-Rashid"
                    if t.raw.endswith(("'s", "’s")):
                        break
                    continue
                break
            if k > first:
                out.append((first, k, score))
        return out

    def _from_speech(self, a: Analysis) -> list[tuple[int, int, float]]:
        """Shapes of spontaneous dictation: a full name of words no dictionary knows ("Tunde Bakare, this
        was a phone appointment"), a nickname or surname beside a name already redacted ("[PERSON_1],
        Seun, office", "[PERSON_1] Fergusson"), and a name put before its relation ("Anjali, his wife",
        "Jack, the eldest") or its agency ("Abdirizak from the interpreting service")."""
        toks, out, n = a.tokens, [], len(a.tokens)
        for k in range(n):
            t = toks[k]
            w = strip_possessive(t.raw)
            if not _name_token(t) or w.lower() in a.allow.words:
                continue
            if is_common_word(w):
                # A capitalised common word is a name only in the tightest shapes: a nickname beside a
                # redacted name ("[PERSON_1], Paddy, office") or before its relation ("Jack, the eldest").
                after_name = re.search(_PERSON + r"\s*,\s*$", a.text[max(0, t.start - 16):t.start])
                if k and k + 1 < n and (
                        (toks[k + 1].raw in (",", ".") and (after_name or self._relation_after(toks, k + 1)))
                        or (after_name and toks[k + 1].lower in _AFTER_NICKNAME)):   # "[PERSON_1], Mo at his flat"
                    out.append((k, k + 1, 0.65))
                continue
            j = k + 1
            while j < n and _name_token(toks[j]) and j - k < 3 and not is_common_word(strip_possessive(toks[j].raw)) \
                    and strip_possessive(toks[j].raw).lower() not in a.allow.words:
                j += 1
            before = a.text[max(0, t.start - 16):t.start]
            nxt = [x.lower for x in toks[j:j + 3]]
            if j - k >= 2:
                out.append((k, j, 0.7))                                   # "Emeka Nwosu"
            elif re.search(_PERSON + r"\s*,?\s*$", before):
                out.append((k, j, 0.7))                                   # "[PERSON_1], Seun"
            elif re.match(r"\s*,\s*(?:not|no|sorry)\s*,?\s*" + _PERSON, a.text[toks[j - 1].end:]):
                out.append((k, j, 0.7))                                   # "Clive, not [PERSON_1]"
            elif self._relation_after(toks, j):
                out.append((k, j, 0.7))                                   # "Anjali, his wife"
            elif nxt[:1] == [","] and len(nxt) >= 2 and nxt[1] in ("she's", "he's", "she", "he", "they're"):
                out.append((k, j, 0.65))                                  # "So, Ewa's, she's ..."
            elif nxt[:2] == ["from", "the"]:
                out.append((k, j, 0.65))                                  # "Abdirizak from the ..."
        return out

    _NOT_LOWER_NAME = frozenset("""said told came went left rang called got has had is was and who but then so
    too also again now there here that which when while she he they him her them it at from in on with of for to
    the a an this my his their our your been being would will could should can might must did does do""".split())

    def _lowercase_after_relation(self, a: Analysis) -> list[tuple[int, int, float]]:
        """Whisper writes many names in lower case ("his support worker joy.", "his sister blessing's
        been helping"): one word right after a relation cue, then a pause or a possessive, is the name."""
        toks, out, n = a.tokens, [], len(a.tokens)
        for _, j, phrase in self._cues.find(toks):
            if PERSON_CUES[phrase] < 0.8 or j >= n - 1:
                continue
            t = toks[j]
            w = strip_possessive(t.raw)
            owned = t.raw.endswith(("'s", "’s"))     # "his sister blessing's been helping"
            if (t.kind != "word" or not w.islower() or len(w) < 3 or w in self._NOT_LOWER_NAME
                    or "'" in w or "’" in w                # "the landlord isn't"
                    or (w.endswith(("ed", "ing", "ly")) and not owned) or w in a.allow.words or w in PERSON_CUES):
                continue
            nxt = toks[j + 1].raw if j + 1 < n else "."
            acts = nxt.lower() in _SUBJECT_VERBS                 # "his partner dawn was unwell"
            if not (owned or acts or nxt in (",", ".", "?", "!", ";")):
                continue
            # After a relation that also names things ("victim contact", "child maintenance") a
            # dictionary word is a name only when a pronoun takes it up ("his partner joy, she's ...").
            after = toks[j + 2].lower if j + 2 < n else ""
            if (is_common_word(w) and not owned and not acts and phrase in _MODIFIER_CUES
                    and not (nxt in (",", ".") and after in _PRONOUNS)):
                continue
            out.append((j, j + 1, 0.6))
        return out

    def _lowercase_before_relation(self, a: Analysis) -> list[tuple[int, int, float]]:
        """A name Whisper wrote in lower case right before its role: "I rang rob, their social worker"."""
        toks, out = a.tokens, []
        for k in range(1, len(toks) - 3):
            t = toks[k]
            if (t.kind == "word" and t.raw.islower() and len(t.raw) >= 3 and toks[k - 1].kind == "word"
                    and t.lower not in self._NOT_LOWER_NAME and t.lower not in _NOT_NAMES
                    and not t.lower.endswith(("ed", "en", "ing", "ly"))
                    and t.lower not in PERSON_CUES and t.lower not in a.allow.words
                    and self._role_after(toks, k + 1)):
                out.append((k, k + 1, 0.6))
        return out

    _TALKED_TO = PhraseIndex(["spoke to", "spoke with", "talked to", "talked with", "talking to", "speaking to",
                              "met with", "meeting with", "call with"])

    def _adjective_after_talking(self, a: Analysis) -> list[tuple[int, int, float]]:
        """"I spoke to rusty on Tuesday": a name that is an adjective, in lower case, where only a
        person can stand (an adjective alone cannot be spoken to)."""
        toks, out = a.tokens, []
        for _, j, _ in self._TALKED_TO.find(toks):
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            if j < len(toks) and toks[j].kind == "word" and toks[j].raw.islower() and len(toks[j].raw) >= 3 \
                    and only_adjective(toks[j].raw) and toks[j].lower not in a.allow.words \
                    and (nxt is None or nxt.kind == "punct" or nxt.lower in _AFTER_TALKED_TO):   # not "happy families"
                out.append((j, j + 1, 0.6))
        return out

    def _unknown_lower_subject(self, a: Analysis) -> list[tuple[int, int, float]]:
        """A word no dictionary knows, in lower case, right before what only a person does: Whisper's
        garbled or lower-case name ("then szymanski failed to attend", "so kowalski rang me")."""
        toks, out = a.tokens, []
        for k in range(len(toks) - 1):
            t = toks[k]
            if (t.kind == "word" and t.raw.isalpha() and t.raw.islower() and len(t.raw) >= 3
                    and toks[k + 1].lower in _PERSON_ONLY_VERBS and not is_common_word(t.raw)
                    and t.lower not in stop_words() and t.lower not in a.allow.words
                    and not (k and toks[k - 1].lower in _DETERMINERS)):
                out.append((k, k + 1, 0.6))
        return out

    def _word_names_that_speak(self, a: Analysis) -> list[tuple[int, int, float]]:
        """A name that is also a word ("Joy", "Hope", "Grace"), capitalised and said twice as the one who
        rang or said something ("Joy rang me this morning ... Joy said ..."): Whisper capitalises it as a
        name, and a word does not ring anyone."""
        toks, found = a.tokens, {}
        for k in range(len(toks) - 1):
            t = toks[k]
            w = t.lower
            if (t.kind == "word" and t.raw[:1].isupper() and t.raw[1:].islower() and len(w) >= 3
                    and toks[k + 1].lower in _SPEECH_VERBS and w not in _NOT_NAMES and w not in stop_words()
                    and w not in a.allow.words and is_common_word(w)):
                found.setdefault(w, []).append(k)
        return [(k, k + 1, 0.65) for ks in found.values() if len(ks) >= 2 for k in ks]

    def _lower_word_names(self, a: Analysis) -> list[tuple[int, int, float]]:
        """A name that is a word, written in lower case all through ("and hope said the same ...
        because hope can't do two, and hope's going to help"): a bare noun as the subject of a clause,
        twice, is a person. Then every mention of it that is not the verb ("I hope", "hope to") is."""
        toks, n, agent = a.tokens, len(a.tokens), {}
        for k in range(1, n - 2):
            t = toks[k]
            w = strip_possessive(t.lower)
            if (t.kind != "word" or not t.raw.islower() or len(w) < 3 or w in stop_words() or w in _NOT_NAMES
                    or w in a.allow.words or w in PERSON_CUES or toks[k - 1].lower not in _SUBJECT_START):
                continue
            nxt, nxt2 = toks[k + 1].lower, toks[k + 2].lower
            owned = t.raw.endswith(("'s", "’s"))
            if (nxt in _AGENT_VERBS and not owned) or (owned and nxt in ("going", "been")) \
                    or (nxt == "is" and nxt2 == "going"):
                agent.setdefault(w, []).append(k)
        out = []
        for w, ks in agent.items():
            if len(ks) < 2 or not is_common_word(w):
                continue
            for k in range(1, n - 1):
                if strip_possessive(toks[k].lower) == w \
                        and toks[k - 1].lower not in _VERB_BEFORE and toks[k + 1].lower not in _VERB_AFTER:
                    out.append((k, k + 1, 0.6))
        return out

    def _opening_name(self, a: Analysis) -> list[tuple[int, int, float]]:
        """The person a note is about, named first, before the contact type or the address: "Faith de Beo,
        office, booked half ten", "Home visit, Nadia Rashid, 12 Elm Road". The name is taken from its
        first capitalised word (Whisper garbles the rest) to the comma."""
        toks, n = a.tokens, len(a.tokens)
        k = 0
        while k < n and (toks[k].kind == "punct" or toks[k].lower in _OPENING_FILLERS):
            k += 1
        if k + 2 < n and toks[k].lower in _CONTACT_WORDS:       # "Home visit, <name>, <address>"
            while k < n and toks[k].lower in _CONTACT_WORDS:
                k += 1
            if k >= n or toks[k].raw != ",":
                return []
            k += 1
        first = k
        while k < n and k - first < 5 and toks[k].kind in ("word", "caps") and toks[k].raw != "," \
                and not (k > first and toks[k].lower in _CONTACT_WORDS) and not _office_heard(toks, k, first):
            k += 1
        if k >= n or k == first or k + 1 >= n:
            return []
        extra: list[tuple[int, int, float]] = []               # the name's further parts, comma by comma
        if _office_heard(toks, k, first):
            pass                                                 # "Tobias and Kreel of his book"
        elif toks[k].raw == ",":                                 # "Faith de Beo, office"
            m = k + 1
            while m + 1 < n and (toks[m].lower in _FILLERS or toks[m].raw == ","):
                m += 1                                           # "Ionut Marin, er, failed to attend"
            if toks[m].lower == "or" and m + 3 < n and _name_token(toks[m + 1]) and toks[m + 2].raw == ",":
                m += 3                                           # "Le Van Hung, or Hung, office"
            for _ in range(2):                                   # "Marius, Georgia, Georgesco, telephone contact"
                c = m
                while c < n and c - m < 3 and _name_token(toks[c]):
                    c += 1
                if not (m < c < n - 1 and toks[c].raw == ","):
                    break
                extra.append((m, c, 0.65))
                m = c + 1
            after = toks[m]
            if not (after.lower in _CONTACT_WORDS or after.lower in _ATTENDANCE_WORDS or after.kind == "digits"
                    or after.raw == "["):
                return []
        elif not (toks[k].lower in _CONTACT_WORDS and toks[k + 1].raw in (",", ".")):
            return []                                            # "Winston Clark office."
        caps = [i for i in range(first, k) if _name_token(toks[i])
                and strip_possessive(toks[i].raw).lower() not in a.allow.words]
        return [(caps[0], k, 0.7)] + extra if caps else []

    @staticmethod
    def _role_after(toks, j: int) -> bool:
        """", their social worker" (a professional's role, not a relative's) right after token ``j - 1``."""
        nxt = [x.lower for x in toks[j:j + 4]]
        return (len(nxt) >= 3 and nxt[0] == "," and nxt[1] in _DETERMINERS
                and (" ".join(nxt[2:4]) in _ROLES or nxt[2] in _ROLES))

    @staticmethod
    def _relation_after(toks, j: int, min_score: float = 0.7) -> bool:
        """", his wife" / ", the eldest" / ", their social worker" right after token ``j - 1``."""
        nxt = [x.lower for x in toks[j:j + 4]]
        if len(nxt) < 3 or nxt[0] != "," or nxt[1] not in _DETERMINERS:
            return False
        two = " ".join(nxt[2:4])
        return PERSON_CUES.get(two, 0) >= min_score or PERSON_CUES.get(nxt[2], 0) >= min_score

    def _from_shape(self, a: Analysis) -> list[tuple[int, int, float]]:
        """Shapes of dictated notes that hold a name even when Whisper misheard the cue word:
        apposition after a noun ("the sun, Mason," for "her son, Mason,"), a clause's subject that no
        dictionary knows ("Darnell will bring ..."), and the person an action is for ("Actions, Hamza
        to visit ...")."""
        toks, out = a.tokens, []
        n = len(toks)
        for k in range(n):
            t = toks[k]
            if not _name_token(t) or strip_possessive(t.raw).lower() in a.allow.words:
                continue
            j = k + 1
            while j < n and _name_token(toks[j]) and j - k < 3:
                j += 1
            prev = toks[k - 1].raw if k else "."
            # "<the/her/his> <noun>, Name,"
            if (prev == "," and k >= 3 and toks[k - 3].lower in _DETERMINERS and toks[k - 2].kind == "word"
                    and j < n and toks[j].raw in (",", ".")):
                out.append((k, j, 0.7))
            # ". Darnell will bring ...", "and Ellie will keep ..." (a word no dictionary knows)
            elif ((k == 0 or prev.lower() in _CLAUSE_START) and j < n and toks[j].lower in _SUBJECT_VERBS
                  and not any(is_common_word(strip_possessive(x.raw)) for x in toks[k:j])):
                out.append((k, j, 0.65))
            # "Actions, Name to <verb>" / ". Name to <verb>"
            elif (prev in (",", ".", ":", ";") and j + 1 < n and toks[j].lower == "to"
                  and toks[j + 1].kind == "word" and toks[j + 1].raw.islower()
                  and not (j - k == 1 and t.lower in _SENTENCE_VERBS)):
                out.append((k, j, 0.65))
        return out

    # -- all mentions --------------------------------------------------------------------------------
    def _candidates(self, a: Analysis):
        """Every candidate span (first token, end token, score), and what the mention search needs to
        know about them: words a relation vouches for, lower-case finds, the opening name's tokens."""
        toks = a.tokens
        cue_cands = self._from_cues(a)
        # A single word right after a relation ("his partner Beverley") is a name even when it is also
        # an allow-listed town: the relation says so.
        related = {strip_possessive(toks[i].raw).lower() for i, j, sc in cue_cands
                   if sc >= 0.85 and j - i == 1 and not is_common_word(strip_possessive(toks[i].raw))
                   and not any(ps <= toks[i].start < pe for ps, pe in a.placeholders)}
        lower = self._lowercase_after_relation(a) + self._lowercase_before_relation(a) \
            + self._word_names_that_speak(a) + self._lower_word_names(a) + self._adjective_after_talking(a) \
            + self._unknown_lower_subject(a)
        lower_at = {i for i, _, _ in lower}
        # names that are words and were found written in lower case: their other mentions are the name
        # too unless used as the word ("his partner joy ... joy rang" but "I hope", "a joy")
        lower_names = {strip_possessive(toks[i].lower) for i, _, _ in lower if toks[i].raw.islower()}
        # The opening name stands before "office", so it reads as an institution ("Leeds office"):
        # its place in the note says it is the person.
        opening = self._opening_name(a)
        opening_at = {k for i, j, _ in opening for k in range(i, j)}
        cands = [c for c in self._from_spacy(a) + cue_cands + self._from_shape(a) + self._from_speech(a) + lower
                 + opening
                 if (not a.is_protected(toks[c[0]].start, toks[c[1] - 1].end) or c in opening
                     or (c[1] - c[0] == 1 and strip_possessive(toks[c[0]].raw).lower() in related))
                 and not (toks[c[1] - 1].lower in STREET_WORDS              # "Linda Avenue" is an address,
                          and toks[c[1] - 1].lower not in NEEDS_NUMBER)]   # "Marcus Hill" a person
        return cands, related, lower_at, lower_names, opening_at

    @staticmethod
    def _cased_word_names(toks: list[Token], cands, related) -> set[str]:
        """Names that are also words, written capitalised where the note shows a person: with a surname
        ("Will Turner"), or as the one word after a relation ("my colleague Will"). Their lower-case
        mentions are the person too where the person acts ("will said", "will's going to")."""
        out = set()
        for i, j, score in cands:
            name = [t for t in toks[i:j] if t.kind != "punct"]
            full_name = len(name) >= 2 and all(t.raw[:1].isupper() for t in name)
            if not (full_name or (len(name) == 1 and score >= 0.8)):
                continue
            for t in name:
                w = strip_possessive(t.raw)
                if w[:1].isupper() and w[1:].islower() and is_common_word(w) and w.lower() not in _NOT_NAMES:
                    out.add(w.lower())
        return out

    @staticmethod
    def _acts_as_person(toks: list[Token], k: int) -> bool:
        """A lower-case mention at ``k`` followed by what only a person does there: "will said",
        "will needed", "will's going", or owning something ("from dawn's ward sister"); never "it will rain",
        "I hope so", "the will was read", "the dawn's light"."""
        if _verb_before(toks, k) or k + 1 >= len(toks):
            return False
        after = toks[k + 1].lower
        if toks[k].raw.endswith(("'s", "’s")):      # "will's going", "the note from dawn's ward"
            return after in _ACTS_AFTER_OWNED or toks[k + 1].kind in ("word", "caps")
        return after in _ACTS_AFTER

    @staticmethod
    def _before_surname(toks: list[Token], k: int, owners) -> bool:
        """"will Rafferty": the lower-case first name right before a capitalised name of the note."""
        if k + 1 >= len(toks) or toks[k].raw.endswith(("'s", "’s")) or _verb_before(toks, k):
            return False
        nxt = toks[k + 1]
        w = strip_possessive(nxt.raw)
        return nxt.kind == "word" and w[:1].isupper() and w.lower() in owners and not is_common_word(w)

    @staticmethod
    def _name_at(toks: list[Token], k: int, candidates) -> tuple[int, tuple[str, ...] | None]:
        """(last token, name) of the longest multi-word name of ``candidates`` starting at token ``k``
        ("Nathan Brooks", "Mohammed Al - Rashid"); (k, None) if none."""
        n = len(toks)
        for words in candidates:
            j, m = k, 0
            while j < n and m < len(words):
                if toks[j].raw in ("-", "'"):
                    j += 1
                    continue
                if strip_possessive(toks[j].raw).lower() != words[m] or (
                        m < len(words) - 1 and toks[j].raw.endswith(("'s", "’s"))):
                    break
                j, m = j + 1, m + 1
            if m == len(words) and len(words) > 1:
                return j - 1, words
        return k, None

    def find(self, a: Analysis) -> list[Entity]:
        toks = a.tokens
        cands, related, lower_at, lower_names, opening_at = self._candidates(a)
        cased = self._cased_word_names(toks, cands, related)
        # Drop single allow-listed words inside a longer candidate ("Leeds" in "Forward Leeds" is gone
        # already; here the name itself must not be an allow-listed word).
        names: list[tuple[str, ...]] = []
        best: dict[tuple[str, ...], float] = {}
        for i, j, score in cands:
            words = tuple(strip_possessive(t.raw).lower() for t in toks[i:j] if t.kind != "punct")
            words = tuple(w for w in words if (w not in a.allow.words or w in related) and w not in _NOT_NAMES
                          and len(w) >= 2)
            if not words:
                continue
            if words not in best:
                names.append(words)
            best[words] = max(best.get(words, 0), score)
        # Each word of a name points at the name(s) it belongs to; a word in one name only takes its key.
        owners: dict[str, set[tuple[str, ...]]] = {}
        for words in names:
            for w in words:
                owners.setdefault(w, set()).add(words)
        full = {w: max(ns, key=len) for w, ns in owners.items()}

        def key_of(word: str) -> str:
            ns = owners[word]
            longest = [n for n in ns if len(n) > 1]
            if len(longest) > 1:                 # a surname shared by two people: its own placeholder
                return "PERSON:" + word
            return "PERSON:" + " ".join(full[word])

        by_first: dict[str, list[tuple[str, ...]]] = {}
        for words in sorted(names, key=len, reverse=True):
            by_first.setdefault(words[0], []).append(words)
        out, k, n = [], 0, len(toks)
        while k < n:
            w = strip_possessive(toks[k].raw).lower()
            if w not in owners or toks[k].kind not in ("word", "caps", "letter"):
                k += 1
                continue
            end_k, words = self._name_at(toks, k, by_first.get(w, ()))
            if (_used_as_word(toks, k) and k not in lower_at and not self._relation_after(toks, k + 1)
                    and not (w in lower_names and _name_use(toks, k))
                    and not (w in cased and self._acts_as_person(toks, k))
                    and not (words and toks[end_k].raw[:1].isupper() and not _verb_before(toks, k))
                    and not (w in cased and self._before_surname(toks, k, owners))
                    and not _restarted(toks, k, out)):
                k += 1
                continue
            key = "PERSON:" + " ".join(words) if words else key_of(w)
            score = max(best[nm] for nm in owners[w])
            s, e = toks[k].start, toks[end_k].end
            if toks[end_k].raw.endswith(("'s", "’s")):     # keep the possessive: "[PERSON_1]'s welfare"
                e -= 2
            if not a.is_protected(s, e) or k in opening_at or (
                    w in related and k > 0 and toks[k - 1].lower in PERSON_CUES):
                out.append(self.entity(a, s, e, score, key))
            k = end_k + 1
        return out
