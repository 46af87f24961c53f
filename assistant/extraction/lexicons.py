"""Curated vocabularies for the note fields. Phrases are matched lowercase on whole tokens; hyphen and
space variants are added automatically ("self harm" also finds "self-harm").

A label of None marks a *blocker*: a longer phrase that must not count as the shorter one inside it
("unpaid work" is a sentence requirement, not employment; "phone number" is not a telephone contact).
The lists hold the words officers say and the forms Whisper writes ("job centre", "step change").
"""
from __future__ import annotations

__all__ = ["NEEDS", "RISKS", "AGENCIES", "AGENCY_HEADS", "REFERRAL_CUES", "CONTACT_TYPES", "CONTACT_HINTS", "NEGATIONS",
           "POST_NEGATIONS", "HEDGES", "NOT_DISCUSSED", "DRUG_WORDS"]

DRUG_WORDS = ["heroin", "cocaine", "crack", "cannabis", "weed", "spice", "amphetamine", "amphetamines", "ketamine",
              "mdma", "ecstasy", "pills", "drugs", "benzos", "valium"]

NEEDS: dict[str | None, list[str]] = {
    "accommodation": [
        "accommodation", "housing", "homeless", "homelessness", "tenancy", "hostel", "approved premises",
        "landlord", "evicted", "eviction", "sofa surfing", "shared house", "moved out", "move out", "moved into",
        "his own flat", "her own flat", "their own flat", "somewhere to live", "place to live", "can't stay",
        "cannot stay", "can not stay", "housing options", "homeless team", "accommodation service",
        "rough sleeping", "sleeping rough", "no fixed abode", "living arrangements", "bail hostel",
        "refuge", "box room", "his room", "her room", "plans to move", "move house", "lose the house",
        "lose his flat", "lose her flat", "the flat's", "disrepair", "damp",
    ],
    "employment_education": [
        "job", "jobs", "employment", "unemployed", "employed", "work coach", "jobcentre", "job centre", "volunteering",
        "volunteer", "paid work", "looking for work", "find work", "back to work", "full time work", "part time work",
        "working full time", "working part time", "interview", "college", "course", "training", "qualification",
        "qualifications", "studying", "apprenticeship", "education", "labouring", "restart scheme", "cscs", "cv",
        "national careers service", "university", "shifts", "trial shifts", "night shifts", "some work",
        "warehouse work", "agency work", "payslips", "payslip", "still working", "started working", "work's",
    ],
    "finance": [
        "money", "debt", "debts", "debt advice", "finances", "financial", "universal credit", "sanctioned",
        "sanction", "rent arrears", "arrears", "budget", "budgeting", "bank card", "bank statements", "fines",
        "court fine", "court fines", "loan", "loans", "bills", "gas bill", "electric bill", "council tax",
        "food bank", "stepchange", "step change", "citizens advice", "pip", "benefit claim", "payday loan",
    ],
    "relationships": [
        "partner", "ex partner", "girlfriend", "boyfriend", "wife", "husband", "relationship", "relationships",
        "family", "mother", "mum", "mom", "mums", "moms", "father", "dad", "son", "daughter", "children", "child", "kids", "baby",
        "brother", "sister", "pregnancy", "pregnant", "ex wife", "ex girlfriend", "ex boyfriend", "ex husband",
    ],
    "lifestyle_associates": [
        "associate", "associates", "old friends", "friends", "friendships", "peers", "peer group", "co defendant",
        "codefendant", "co defendants", "dealer", "dealers", "gang", "spending time with", "spending a lot of time with",
        "hanging around", "hanging out", "boredom", "bored", "leisure", "hobbies", "gym", "structure to his day",
        "structure to her day",
    ],
    "drugs": DRUG_WORDS + [
        "drug", "drug test", "drug service", "drug worker", "substance misuse", "methadone", "subutex",
        "buprenorphine", "script", "change grow live", "harm reduction", "using drugs", "drug use", "six months clean",
    ],
    "alcohol": [
        "alcohol", "drinking", "drink", "drinks", "drunk", "cans", "pints", "beer", "lager", "vodka", "cider",
        "sober", "aa", "alcoholics anonymous", "alcohol service", "hangover",
    ],
    "emotional_wellbeing": [
        "anxious", "anxiety", "depressed", "depression", "low mood", "feeling low", "very low", "mental health",
        "stress", "stressed", "medication", "counselling", "counsellor", "not sleeping", "sleeping badly",
        "wellbeing", "well being", "panic attacks", "self harm", "self harming", "suicide", "suicidal",
        "ending her life", "ending his life", "end his life", "end her life", "cutting herself", "cutting himself",
        "crisis team", "safety plan", "mental health team", "talking therapies", "psychiatrist",
    ],
    "thinking_behaviour": [
        "temper", "anger", "angry", "impulsive", "impulsivity", "consequences", "thinking skills",
        "consequential thinking", "problem solving", "decision making", "self control", "his thinking",
        "her thinking", "their thinking", "triggers", "coping strategies", "aggression", "aggressive",
    ],
    "attitudes": [
        "attitude", "attitudes", "motivated", "motivation", "unmotivated", "accepts", "takes responsibility",
        "responsibility", "remorse", "remorseful", "blames", "blamed", "minimises", "minimised", "refused to engage",
        "disengaged", "pro criminal", "victim awareness", "attitude to offending",
    ],
    # blockers
    None: ["unpaid work", "community payback", "work on", "worked on", "phone number", "relapse prevention plan",
           "costs and benefits", "pros and cons", "sentence plan", "risk assessment", "on time", "drink driving"],
}

RISKS: dict[str | None, list[str]] = {
    "domestic_abuse": [
        "domestic abuse", "domestic violence", "coercive control", "controlling behaviour", "threatening messages",
        "threatened her", "threatened him", "hit her", "hit him", "frightened of him", "frightened of her",
        "afraid of him", "scared of him", "abusive", "idva", "marac",
    ],
    "child_safeguarding": [
        "safeguarding", "child protection", "children's social care", "children social care", "childrens social care",
        "children's services", "safety of the children", "welfare of the children", "safety of the child",
        "welfare of the child", "children's safety", "children's welfare", "child in need",
    ],
    "self_harm_suicide": [
        "self harm", "self harming", "harming herself", "harming himself", "cutting herself", "cutting himself",
        "suicide", "suicidal", "ending her life", "ending his life", "end her life", "end his life",
        "kill herself", "kill himself", "ligature",
    ],
    "weapons": ["knife", "knives", "weapon", "weapons", "gun", "guns", "firearm", "firearms", "machete", "blade",
                "baseball bat", "crossbow"],
    "licence_breach": [
        "breach", "breached", "breaching", "breaches", "recall", "recalled", "warning letter", "missed curfew",
        "broke his curfew", "broke her curfew", "against his licence", "against her licence",
        "failed to comply", "enforcement", "tag alert", "non compliance",
    ],
    "substance_relapse": ["relapse", "relapsed", "relapsing", "lapse", "lapsed", "positive drug test",
                          "tested positive", "positive test", "using again", "drinking again", "back on heroin",
                          "back on drugs", "back on the drink"],
    "further_offending": [
        "arrested", "charged", "new offence", "further offence", "further offences", "reoffending", "re offending",
        "reoffended", "shoplifting", "stealing", "theft", "burglary", "released under investigation",
        "cautioned", "further offending", "police bail", "on bail",
    ],
    None: ["relapse prevention", "relapse prevention plan", "no further action", "domestic abuse service",
           "domestic violence adviser service", "safety plan", "risk assessment"],
}

# Agencies and services a person can be referred, signposted or reported to (names as said).
AGENCIES = [
    "children's social care", "children social care", "childrens social care", "social care", "social services",
    "children's services", "domestic abuse service", "domestic violence service", "idva", "marac",
    "independent domestic violence adviser", "drug service", "drug and alcohol service", "alcohol service",
    "accommodation service", "housing options team", "housing options", "housing team", "homeless team",
    "stepchange", "step change", "citizens advice", "samaritans", "shelter", "crisis team", "mental health team",
    "gp", "police", "police offender manager", "offender manager", "mappa coordinator", "jobcentre", "job centre",
    "work coach", "restart scheme", "food bank", "change grow live", "cgl", "turning point", "women's aid",
    "refuge", "nacro", "st mungo's", "alcoholics anonymous", "narcotics anonymous", "talking therapies",
    "national careers service", "dwp", "health visitor", "we are with you", "forward trust", "the council",
]
# A noun phrase ending in one of these, after a referral cue, is taken as an agency even if unlisted.
AGENCY_HEADS = {"service", "services", "team", "scheme", "programme", "program", "charity", "project", "centre",
                "center", "helpline", "agency", "adviser", "advisor", "coordinator", "clinic", "trust", "partnership",
                "hub", "line", "unit"}
# Lemmas and phrases that make a mention a referral, signposting or contact (not just a mention).
REFERRAL_CUES = ["refer", "referred", "referral", "referrals", "signpost", "signposted", "sign posted", "sign post",
                 "signposting", "details", "detail", "number", "contact details", "contact", "contacted", "inform", "informed", "notify", "notified",
                 "tell", "liaise", "liaised", "email", "emailed", "ring", "rang", "call", "phoned", "phone",
                 "put him in touch", "put her in touch", "in touch with", "alert", "alerted", "speak to", "spoke to",
                 "check with", "checked with", "checking with",
                 "spoken to", "passed on to", "information about", "leaflet for"]

CONTACT_TYPES: dict[str | None, list[str]] = {
    "office": ["office appointment", "office visit", "in the office", "at the office", "into the office",
               "in to the office", "office", "reporting centre", "probation office", "office contact"],
    "home_visit": ["home visit", "house visit", "visited him at home", "visited her at home", "at his home",
                   "at her home", "at his address", "at her address", "visit to his flat", "visit to her flat",
                   "home contact", "visited him at his", "visited her at her"],
    "telephone": ["telephone", "telephone contact", "telephone call", "phone call", "by phone", "on the phone",
                  "phone contact", "telephone appointment", "called him", "called her", "rang him", "rang her",
                  "phone appointment"],
    "video": ["video", "video call", "video appointment", "microsoft teams", "teams call", "on teams", "zoom",
              "video link", "logged on"],
    None: ["phone number", "telephone number", "mobile number", "video game", "video games", "next office",
           "office hours"],
}

# How the contact took place when no contact type is named: read only when CONTACT_TYPES finds nothing.
CONTACT_HINTS: dict[str | None, list[str]] = {
    "home_visit": ["popped round", "went round", "called round", "round to his", "round to her", "round to their",
                   "at his flat", "at her flat", "his front door", "her front door", "knocked", "on the doorstep"],
    "office": ["came in", "come in", "got here", "wandered in", "walked in", "here at", "here by", "reception",
               "came in to see me", "first appointment", "induction appointment", "in person", "face to face"],
    "telephone": ["rang him", "rang her", "rang me", "on speaker", "three way call", "picked up", "answered the phone"],
    "video": ["the link", "on screen", "camera"],
    None: ["come in to the office", "didn't pick up", "did not pick up"],
}

NEGATIONS = {"no", "not", "n't", "never", "denied", "denies", "deny", "denying", "without", "nor", "none",
             "unlikely", "whether", "if", "negative", "ruled", "nothing"}
# Words after a cue in the same or the next clause that negate it ("..., and he said no").
POST_NEGATIONS = {"negative", "denied", "denies"}
HEDGES = {"possible", "possibly", "may", "might", "could", "suspect", "suspected", "appears", "seems", "query",
          "potential", "potentially", "perhaps", "unclear"}
NOT_DISCUSSED = ["did not discuss", "didn't discuss", "not discussed", "no time to discuss", "did not talk about",
                 "didn't talk about", "didn't get to", "did not get to", "will discuss next time"]
