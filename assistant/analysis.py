"""From text to search terms: words, stopwords, a stemmer per language, the synonym groups of
synonyms.yaml, and the ways a person's wording differs from the guideline's, each read against
the words the guideline uses (its `Vocabulary`):
- Danish compounds split into known words ("leverandørdialog"), also when the head is a
  derivation of one ("behovsafklaringen": behov, afklar) or the head of another compound,
  and words written apart joined into the guideline's compound in any of its forms ("markeds
  afdækning" for "markedsafdækningen", "data udveksling");
- an ending after an apostrophe dropped ("AI'en", "DPO'ens");
- another form of a word (an accent, a derivation: "evaluerer" for "evaluér"), and a word
  derived from the guideline's by a derivational ending ("sammenfatning" of "sammenfat"; never
  a compound's first part: "personalemøde" is no form of "personale");
- typos repaired (rapidfuzz: close by fuzz.ratio, or one wrong letter, two in a long word,
  never the first);
- words of the other language ("user feedback i driften") searched in that language's passages;
- a synonym group's term matched in any form of its words ("guldstandarden").
- how common a word is in everyday Danish or English (`everyday_word`: wordfreq's offline word
  lists), so that the topic check (topic.py) does not take "koster", "skrive" or "afdelingen"
  for a concept of the guideline because one of its titles happens to use it.
Pure functions over a `Vocabulary`; the index (index.py) builds one per language, and also
stores each compound's modifier and the words its texts write apart ("data set": dataset).

Measured (bench/assistant.py), the joined forms and the derivations gained two covered questions
of dev2 and lost none elsewhere; see evaluation.py for the figures of all the changes together.
A compound's head may be one the guideline writes only in other compounds ("udbudsfasen": udbud
+ the "fasen" of "afprøvningsfasen"); with an everyday first part such a reading is weak
("personalemøde": personale + the "møde" of another compound): without that guard it found one
more covered question of dev2 and let one uncovered through, with it only the first."""

import math
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import Stemmer
import yaml
from bm25s.stopwords import STOPWORDS_DANISH, STOPWORDS_EN
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from wordfreq import get_frequency_dict

SYNONYMS_FILE = Path(__file__).resolve().parent / "synonyms.yaml"
LANGUAGES = ("da", "en")
STEMMER_NAMES = {"da": "danish", "en": "english"}
# Question words are stopwords to a search engine, but "how many" and "who" carry meaning in a
# question about a checklist, so a few are kept.
KEEP = {"hvem", "hvor", "who", "many"}
# bm25s ships a short English list (33 words) beside a full Danish one (Snowball's, 122 words);
# these are the English function words the Danish list has counterparts for (Snowball's English
# list: pronouns, question words, auxiliaries), so a question reads alike in both languages.
# Prepositions stay searchable: "before validation" is what an item is about.
ENGLISH_FUNCTION_WORDS = {
    "i", "me", "my", "myself", "you", "your", "yours", "he", "him", "his", "she", "her", "hers",
    "its", "them", "those", "what", "which", "whom", "whose", "when", "where", "why", "how", "am",
    "been", "being", "were", "have", "has", "had", "having", "did", "doing", "would", "could",
    "can", "may", "might", "must", "shall", "from", "about", "so", "than", "too", "very", "just",
}  # fmt: skip
# Verbs of thinking, saying and asking, and the fillers of spoken language, say nothing of what
# a question is about ("hvad mener klinikerne om ...", "what do you actually think of ..."): a
# question is no less the guideline's for them.
SAYING_AND_FILLERS = {
    "da": {"mener", "mene", "tænker", "tror", "snakker", "snakke", "spørger", "spørge", "gerne",
           "egentlig", "bare", "altså", "sgu", "okay", "ok"},
    "en": {"think", "believe", "say", "tell", "ask", "actually", "really", "please", "basically",
           "okay", "ok"},
}  # fmt: skip
STOPWORDS = {
    "da": (
        set(STOPWORDS_DANISH)
        | {"mon", "lave", "laver", "gøre", "gør", "bruge", "vores"}
        | SAYING_AND_FILLERS["da"]
    )
    - KEEP,
    "en": (
        set(STOPWORDS_EN)
        | ENGLISH_FUNCTION_WORDS
        | {"we", "our", "us", "do", "does", "need", "should"}
        | SAYING_AND_FILLERS["en"]
    )
    - KEEP,
}
WORD = re.compile(r"[^\W_]+")
APOSTROPHE_ENDING = re.compile(r"(?<=[^\W_])['’´](?:s|en|ens|et|ets|er|ere|erne|ernes|e)\b")
SYNONYM_WEIGHT = 0.6  # a synonym's terms count less than the person's own words
OTHER_LANGUAGE_WEIGHT = 0.8  # a word of the other language, searched in that language
MIN_FUZZY_LENGTH = 5  # shorter words are too often another real word one letter away
FUZZY_CUTOFF = 89
MIN_EDIT_LENGTH = 6  # one wrong letter in a shorter word too often makes another word
MIN_TWO_EDITS_LENGTH = 10
PREFIX_WEIGHT = 0.8  # another form of the word ("evaluerer" -> evaluering)
MIN_PREFIX = 5
MIN_LIKELY_ROOT = 6
SHORTER_FORM_SHARE = 0.6  # a derivation keeps most of its word ("afklaring": afklar)
# Shorter words the guideline does not know are colloquial forms ("ha", "sgu") or letters ("x"):
# they say nothing of what a question is about.
MIN_FOREIGN_LENGTH = 3
FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "é": "e", "ü": "u"})
MIN_PART = 4  # the shortest part of a split compound
MAX_JOINED = 3  # at most this many words written apart are read as one compound


def fold(word: str) -> str:
    return word.translate(FOLD)


def words(text: str) -> list[str]:
    """Lower-case words; hyphens and other punctuation separate them ("EU-udbud" -> eu, udbud).
    An ending after an apostrophe is dropped: Danish inflects an abbreviation that way ("AI'en",
    "DPO'ens"), English marks its genitive ("vendor's")."""
    return WORD.findall(APOSTROPHE_ENDING.sub("", text.lower()))


# How common a word must be in everyday language (wordfreq's Zipf scale: 4 is once in 100,000
# words, "afdelingen"; 5 once in 10,000, "koster") to say nothing of the guideline's subject.
# Calibrated with evaluation.calibrate on the training and development sets.
COMMON_ZIPF = 4.25
# A word the guideline does not know but everyday language uses this often (once in 30,000
# words or more: "mens", "fordi", "altså") is a function word of speech, not a subject the
# guideline lacks: it does not make a question less the guideline's ("skal modelversionen være
# frosset mens vi validerer?"). Rarer unknown words ("løn", "parkere", "kantinen") still count.
FUNCTION_ZIPF = 5.5


@cache
def everyday_frequencies(language: str) -> dict[str, float]:
    """wordfreq's list for the language (read once per process, about 0.2 s)."""
    return get_frequency_dict(language, wordlist="small")


def everyday_word(word: str, language: str) -> bool:
    """Whether a word is common in everyday Danish or English text (wordfreq's word lists of
    subtitles, news, books and the web): at least COMMON_ZIPF on the Zipf scale."""
    frequency = everyday_frequencies(language).get(word, 0.0)
    return frequency > 0 and math.log10(frequency) + 9 >= COMMON_ZIPF


def function_like(word: str, language: str) -> bool:
    """Whether a word is so common in everyday language (FUNCTION_ZIPF) that, unknown to the
    guideline, it says nothing of what a question is about."""
    frequency = everyday_frequencies(language).get(word, 0.0)
    return frequency > 0 and math.log10(frequency) + 9 >= FUNCTION_ZIPF


@cache
def stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMER_NAMES[language])


def stem(word: str, language: str) -> str:
    return stemmer(language).stemWord(word)


def content_words(text: str, language: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS[language]]


def terms(text: str, language: str) -> list[str]:
    """The stemmed content words of a text: what the index stores for a passage."""
    return [stem(w, language) for w in content_words(text, language)]


@dataclass(frozen=True)
class Synonyms:
    groups: tuple[tuple[str, ...], ...]  # every group, the general ones last
    intents: dict[str, tuple[str, ...]]
    general: int = 0  # how many of the groups (the last ones) are everyday words, not concepts

    def names_concept(self, position: int) -> bool:
        return position < len(self.groups) - self.general


@cache
def load_synonyms(path: Path = SYNONYMS_FILE) -> Synonyms:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    general = data.get("general_groups") or []
    groups = tuple(
        tuple(_phrase(t) for t in group) for group in (data.get("groups") or []) + general
    )
    intents = {
        name: tuple(_phrase(t) for t in phrases)
        for name, phrases in (data.get("project_intents") or {}).items()
    }
    return Synonyms(groups=groups, intents=intents, general=len(general))


def _phrase(text: str) -> str:
    return " ".join(words(str(text)))


def contains_phrase(haystack: str, phrase: str) -> bool:
    """Whether the normalised text contains the phrase as whole words."""
    return f" {phrase} " in f" {haystack} "


@dataclass
class Vocabulary:
    """What the guideline's passages in one language use: their words and their stems."""

    language: str
    surface: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    # The stems of the passages' titles (the items' questions and the stages' names): what the
    # guideline is about, as opposed to the words its help texts explain it with. Counted per
    # stage or item key, so that an item kept through several versions counts once.
    title_frequency: dict[str, int] = field(default_factory=dict)  # stem -> keys whose title has it
    title_keys: int = 0
    document_frequency: dict[str, int] = field(default_factory=dict)
    documents: int = 0

    def __post_init__(self):
        self._surface_list = sorted(self.surface)
        # "leverandor" is "leverandør" typed without Danish letters
        self._folded = {}
        for word in self._surface_list:
            self._folded.setdefault(fold(word), word)
        self._stem_list = sorted(self.stems)
        self._by_initial: dict[str, list[str]] = {}
        for word in self._surface_list:
            self._by_initial.setdefault(word[0], []).append(word)
        # The heads of the guideline's compounds of a known word, a linking -s- or -e- and a
        # head ("afprøvnings|fasen"): a head the guideline never writes alone ("fasen") is still
        # the head of another compound ("udbudsfasen": udbud, fasen).
        self._heads = {
            word[cut:]
            for word in self._surface_list
            for cut in range(MIN_PART + 2, len(word) - MIN_PART + 1)
            if word[cut - 1] in "se" and word[: cut - 1] in self.surface
        }
        # "evaluerer" is a form of "evaluér": the same stem but for an accent
        self._folded_stems = {}
        for word in self._surface_list:
            self._folded_stems.setdefault(fold(stem(word, self.language)), word)

    def idf(self, stem_: str) -> float:
        """How specific a stem is: high for rare ones, highest for one the guideline lacks."""
        df = self.document_frequency.get(stem_, 0)
        return math.log((self.documents - df + 0.5) / (df + 0.5) + 1)

    def title_share(self, stem_: str) -> float:
        """The share of the stages' and items' titles with this stem (0 when none has it): how
        common it is in what the guideline is about. A stage's name is in each of its items'
        passages, so the passages' IDF undervalues it."""
        return self.title_frequency.get(stem_, 0) / self.title_keys if self.title_keys else 0.0

    def knows(self, word: str) -> bool:
        return word in self.surface or stem(word, self.language) in self.stems


@dataclass(frozen=True)
class Query:
    """The weighted stems to search for, and how the question's words were read."""

    weights: dict[str, float]
    content_words: tuple[str, ...]
    known_words: tuple[str, ...]  # content words the guideline knows (after repair)
    repaired: dict[str, str]  # typo -> the guideline's word
    known_share: float = 0.0  # the share of the question's specificity the guideline knows
    # How each known word was read: the guideline's word(s) for it, and how sure that reading is
    # (SURE, LIKELY or WEAK below); words only a synonym group knows ("DBA") are stand-ins.
    readings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sureness: dict[str, float] = field(default_factory=dict)
    stand_ins: tuple[str, ...] = ()
    synonym_concepts: tuple[str, ...] = ()  # words of a (not general) synonym group
    # Words of the other language in the question ("user feedback i driften"): searched in that
    # language's passages (the same passages, in the same order).
    other_language: str = ""
    other_weights: dict[str, float] = field(default_factory=dict)


# How sure the reading of a question word is: the guideline's own word (or a synonym of it) is
# certain; a compound read as two known words, or a typo repaired, is likely; a word that only
# shares its beginning with one of the guideline's ("digt" with "digital") is weak evidence that
# the question is about the guideline's subject at all.
SURE, LIKELY, WEAK = 1.0, 0.6, 0.3


def analyse_question(
    question: str, vocabulary: Vocabulary, synonyms: Synonyms, other: Vocabulary | None = None
) -> Query:
    """How the question reads against the guideline's words in one language (`vocabulary`);
    with the `other` language's vocabulary, a word only that language knows is searched there."""
    language = vocabulary.language
    weights: dict[str, float] = {}
    other_weights: dict[str, float] = {}
    repaired: dict[str, str] = {}
    known: list[str] = []
    sureness: dict[str, float] = {}
    readings: dict[str, tuple[str, ...]] = {}
    stand_ins: list[str] = []
    synonym_concepts: list[str] = []

    def add(stem_: str, weight: float) -> None:
        if stem_ in vocabulary.stems:
            weights[stem_] = max(weights.get(stem_, 0.0), weight)

    own = join_compounds(content_words(question, language), vocabulary)
    for word in own:
        parts = read_word(word, vocabulary)
        if parts != [word] and len(parts) == 1:
            repaired[word] = parts[0]
        if parts:
            known.append(word)
            readings[word] = tuple(parts)
            exact = parts == [word] or fold(parts[0]) == fold(word)
            exact = exact or (
                len(parts) == 1 and fold(stem(parts[0], language)) == fold(stem(word, language))
            )
            sureness[word] = SURE if exact else LIKELY
            if not vocabulary.knows(parts[-1]) and everyday_word(parts[0], language):
                # a compound of an everyday word and a head only other compounds have
                # ("personalemøde": personale, the "møde" of "dialogmøde") may be anything
                sureness[word] = WEAK
            if word.isdigit():
                sureness[word] = WEAK  # "stue 4", "uge 42": a number says little of the subject
            for part in parts:
                add(stem(part, language), 1.0)
            continue
        if other is not None and _other_language_word(word, other):
            known.append(word)
            sureness[word] = LIKELY
            readings[word] = (word,)
            other_weights[stem(word, other.language)] = OTHER_LANGUAGE_WEIGHT
            continue
        forms = other_forms(word, vocabulary)
        if forms:
            known.append(word)
            # A long shared root is another form of the same word ("tildeler", tildeling); a
            # short one may be a different word ("digt", digital).
            shared = max(len(os.path.commonprefix([fold(word), fold(f)])) for f in forms)
            sureness[word] = LIKELY if shared >= MIN_LIKELY_ROOT else WEAK
            readings[word] = tuple(forms)
        for form in forms:
            add(form, PREFIX_WEIGHT)

    # Synonyms are matched on the question with its typos repaired, so "leverandor" finds the
    # group of "leverandør"; a word of a matched group counts as known.
    # Another form of a term's word counts as the term ("guldstandarden": guldstandard).
    forms = synonym_forms(synonyms, language)

    def canonical(word: str) -> str:
        word = repaired.get(word, word)
        return forms.get(stem(word, language), word) if len(word) >= MIN_PART else word

    normalised = " ".join(canonical(w) for w in words(question))
    typed = {canonical(w): w for w in own}
    for position, group in enumerate(synonyms.groups):
        matched = [term for term in group if contains_phrase(normalised, term)]
        if not matched:
            continue
        if synonyms.names_concept(position):
            synonym_concepts += [typed[w] for t in matched for w in words(t) if w in typed]
        for term in matched:
            known += [typed[w] for w in words(term) if w in typed and typed[w] not in known]
            sureness.update({typed[w]: SURE for w in words(term) if w in typed})
        # When the person's own term is foreign to the guideline ("DBA"), its synonyms stand in
        # for it at full weight.
        stand_in = all(not vocabulary.knows(w) for t in matched for w in words(t))
        if stand_in:
            stand_ins += [typed[w] for t in matched for w in words(t) if w in typed]
        weight = 1.0 if stand_in else SYNONYM_WEIGHT
        for term in group:
            # A phrase is one term: its words share the weight.
            phrase = content_words(term, language)
            for word in phrase:
                add(stem(word, language), weight / len(phrase))
    return Query(
        weights=weights,
        content_words=tuple(own),
        known_words=tuple(known),
        repaired=repaired,
        known_share=known_share(own, known, vocabulary, sureness),
        readings=readings,
        sureness=sureness,
        stand_ins=tuple(stand_ins),
        synonym_concepts=tuple(synonym_concepts),
        other_language=other.language if other is not None and other_weights else "",
        other_weights=other_weights,
    )


_synonym_forms: dict[tuple[int, str], dict[str, str]] = {}


def synonym_forms(synonyms: Synonyms, language: str) -> dict[str, str]:
    """The synonym groups' one-word terms by their stem: a question's word with that stem is
    read as the term."""
    key = (id(synonyms), language)
    if key not in _synonym_forms:
        forms: dict[str, str] = {}
        for term in sorted({w for group in synonyms.groups for t in group for w in words(t)}):
            if len(term) >= MIN_PART:
                forms.setdefault(stem(term, language), term)
        _synonym_forms[key] = forms
    return _synonym_forms[key]


def _other_language_word(word: str, other: Vocabulary) -> bool:
    """Whether a word this language does not know is a content word of the other one: English
    words in a Danish question ("audit trail") and Danish ones in an English question."""
    return (
        len(word) >= MIN_FOREIGN_LENGTH
        and word not in STOPWORDS[other.language]
        and stem(word, other.language) in other.stems
    )


def known_share(
    own: list[str], known: list[str], vocabulary: Vocabulary, sureness: dict[str, float] | None
) -> float:
    """The share of the question's content the guideline knows, each word weighted by its
    specificity (IDF): a question whose telling words are all foreign to the guideline ("a
    Christmas greeting for the ward") is not made answerable by its common ones."""
    if not own:
        return 0.0
    unknown_weight = vocabulary.idf("")  # as specific as a word no passage has
    total = known_weight = 0.0
    for word in own:
        if word not in known and (
            len(word) < MIN_FOREIGN_LENGTH
            or word.isdigit()
            or function_like(word, vocabulary.language)
        ):
            continue
        stem_ = stem(word, vocabulary.language)
        weight = vocabulary.idf(stem_) if stem_ in vocabulary.stems else unknown_weight
        if word in known and stem_ not in vocabulary.stems:
            weight = unknown_weight * 0.75  # a repaired or synonym word: specific, but known
        total += weight
        if word in known:
            known_weight += weight * (sureness or {}).get(word, SURE)
    return known_weight / total if total else 0.0


def read_word(word: str, vocabulary: Vocabulary) -> list[str]:
    """The guideline's word(s) for a word of the question: itself when known, else the parts of
    a compound ("leverandørdialog" -> leverandør, dialog), else the nearest word (a typo), else
    nothing."""
    if vocabulary.knows(word) or word.isdigit():
        return [word]
    # A word typed without the Danish letters ("leverandor") is the guideline's word with them;
    # a word typed with them is not one without ("møde" is no "mode").
    if fold(word) == word and word in vocabulary._folded:
        return [vocabulary._folded[word]]
    folded_stem = fold(stem(word, vocabulary.language))
    if len(folded_stem) >= MIN_PREFIX and folded_stem in vocabulary._folded_stems:
        return [vocabulary._folded_stems[folded_stem]]
    parts = split_compound(word, vocabulary)
    if parts:
        return parts
    derived = derived_from(word, vocabulary)
    if derived:
        return [derived]
    if len(word) >= MIN_FUZZY_LENGTH:
        match = process.extractOne(
            word, vocabulary._surface_list, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        if match:
            return [match[0]]
        # fuzz.ratio counts a wrong letter as two edits, so a short word with one ("protokal")
        # falls below the cutoff: allow one letter wrong, two in a long word, but not the first
        # one (people rarely mistype it, and "parkerer" is not "markerer").
        edits = 1 if len(word) < MIN_TWO_EDITS_LENGTH else 2
        if len(word) >= MIN_EDIT_LENGTH:
            match = process.extractOne(
                word,
                vocabulary._by_initial.get(word[0], ()),
                scorer=Levenshtein.distance,
                score_cutoff=edits,
            )
            if match:
                return [match[0]]
    return []


def join_compounds(own: list[str], vocabulary: Vocabulary) -> list[str]:
    """Adjacent words written apart that the guideline writes as one ("markeds afdækning",
    "data udveksling", "informations sikkerheds vurdering") are read as the one word: Danish
    joins its compounds, and a person typing fast often does not."""
    joined: list[str] = []
    position = 0
    while position < len(own):
        for end in range(min(len(own), position + MAX_JOINED), position + 1, -1):
            word = "".join(own[position:end])
            if not word.isdigit() and _joined_form(word, vocabulary):
                joined.append(word)
                position = end
                break
        else:
            joined.append(own[position])
            position += 1
    return joined


def _joined_form(word: str, vocabulary: Vocabulary) -> bool:
    """Whether words written together make a word of the guideline, in any inflection of it
    ("markeds afdækning" for "markedsafdækningen"). The joined word must be long, so that two
    short words do not make a third by chance."""
    if word in vocabulary.surface:
        return True
    return len(word) >= MIN_PART * 2 + 1 and stem(word, vocabulary.language) in vocabulary.stems


def compound_parts(surface: set[str]) -> dict[str, tuple[str, ...]]:
    """For each long word, the words it is made of: its head, the longest word it ends with
    ("informationssikkerhedsvurderingen" -> "sikkerhedsvurderingen"), and its modifier when that
    is a word too, without a linking -s- or -e- ("højrisikoområder" -> højrisiko, områder).
    Danish compounds end in their head, so a passage about the compound is also about the head,
    and about the modifier ("Er det højrisiko?")."""
    parts = {}
    for word, head in compound_heads(surface).items():
        left = word[: len(word) - len(head)]
        modifiers = [m for m in (left, left[:-1] if left[-1:] in ("s", "e") else "") if m]
        modifier = next((m for m in modifiers if len(m) >= MIN_PART and m in surface), None)
        parts[word] = (modifier, head) if modifier else (head,)
    return parts


def joined_pairs(text_words: list[str], stems: set[str], language: str) -> list[str]:
    """The words of the guideline (by their stem, `stems`) that a text writes as two ("data
    set" for "dataset"), so that a question using the joined form finds it."""
    return [
        a + b
        for a, b in zip(text_words, text_words[1:], strict=False)
        if not (a + b).isdigit() and stem(a + b, language) in stems
    ]


def compound_heads(surface: set[str]) -> dict[str, str]:
    """For each long word, the longest word it ends with ("informationssikkerhedsvurderingen" ->
    "sikkerhedsvurderingen"): Danish compounds end in their head, so a passage about the compound
    is also about the head."""
    heads = {}
    for word in surface:
        if len(word) < MIN_PART * 2 + 1:
            continue
        for start in range(MIN_PART - 1, len(word) - MIN_PREFIX + 1):
            if word[start:] in surface:
                heads[word] = word[start:]
                break
    return heads


def other_forms(word: str, vocabulary: Vocabulary) -> list[str]:
    """Stems of the guideline that begin with the word's stem: other inflections or derivations
    of it (the stemmer leaves "evaluerer" and "evaluering" apart)."""
    root = stem(word, vocabulary.language)
    if len(root) < MIN_PREFIX:
        return []
    forms = [s for s in vocabulary._stem_list if s.startswith(root)]
    return sorted(forms, key=len)[:3]


def split_compound(word: str, vocabulary: Vocabulary) -> list[str]:
    """Two known words, optionally joined by a linking -s- or -e- (Danish compounds); the head
    may be a derivation of a known word ("behovsafklaringen": behov, afklar)."""
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        left, right = word[:cut], word[cut:]
        if not vocabulary.knows(right) and right not in vocabulary._heads:
            right = shorter_form(right, vocabulary)
            if not right:
                continue
        for head in (left, left[:-1] if left[-1:] in ("s", "e") else None):
            if head and len(head) >= MIN_PART and vocabulary.knows(head):
                return [head, right]
    return []


# The endings that derive a noun or an adjective from a word, with their inflections (Danish
# "-ning", "-else", "-hed", English "-ing", "-ment", "-ation").
DERIVATION = re.compile(r"(?:n?ing|else|hed|ion|ation|ment|ity|ed|ly)(?:en|er|erne|ens|s)?")


def derived_from(word: str, vocabulary: Vocabulary) -> str:
    """The guideline's word that this word derives from by a derivational ending
    ("sammenfatning" from "sammenfat"), or "": never a compound's first part ("personalemøde" is
    not a form of "personale")."""
    form = shorter_form(word, vocabulary)
    if not form:
        return ""
    root = fold(stem(form, vocabulary.language))
    folded = fold(word)
    return form if folded.startswith(root) and DERIVATION.fullmatch(folded[len(root) :]) else ""


def shorter_form(word: str, vocabulary: Vocabulary) -> str:
    """The guideline's word whose stem begins this word's stem and is most of it: the word
    derived from it ("afklaringen" from "afklare"), or ""."""
    root = fold(stem(word, vocabulary.language))
    for end in range(len(root) - 1, MIN_LIKELY_ROOT - 1, -1):
        if end < len(root) * SHORTER_FORM_SHARE:
            break
        form = vocabulary._folded_stems.get(root[:end])
        if form:
            return form
    return ""
