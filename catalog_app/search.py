"""Catalog search: several words ANDed across SKU, name, category, material and capacity, with
plurals, a few synonyms, typo tolerance, ranking and "Did you mean …?".

How it gives the same results on SQLite and PostgreSQL: everything about *language* happens here,
in Python, and the database only finds products holding given words.

- **The index.** `search_index_rebuild` (called by the sync, inside the transaction that writes
  the mirror, so readers see the old index or the new one, never half of each) writes one
  `SearchDocument` per offered product: its words normalised (`terms`: lower case, "12oz" →
  "12 oz", plurals stemmed, "ounce" → "oz"), a lid with the capacities of the cups it fits
  ("lid 12"), and the vocabulary (`SearchTerm`: every word with its product count). SQLite
  indexes `terms` with FTS5, PostgreSQL with a GIN index on `to_tsvector('simple', terms)`;
  both only split on spaces, since the words are already normalised.
- **A query** is split the same way; each word becomes the set of index words it stands for
  (`parse`): itself if the vocabulary has it, plus its synonyms; else the words it begins
  ("cont" → container); else the vocabulary's words within one edit (4+ letters) or two
  (8+ letters) of it ("rippel" → ripple, a transposition counting one). The database gets
  "any of these AND any of those": FTS5 `MATCH`, PostgreSQL `to_tsquery`. A query that looks
  like a SKU fragment also matches SKUs containing it (`icontains`, a trigram index on
  PostgreSQL).
- **Ranking** is plain SQL both databases compute alike (`_rank`): the exact SKU, then SKUs
  starting with the query, then products whose name holds every word as typed, then whose name
  holds every word corrected or by a synonym, then the rest; within each, shorter names first
  (fewer words besides the ones asked for), then SKU.
"""

import re
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, reduce
from operator import and_, or_

from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from catalog_app.mirror import mirror_changed, mirror_version
from catalog_app.models import Category, LidFit, Material, Product, SearchDocument, SearchTerm

BATCH = 2000
MAX_ALTERNATIVES = 40  # index words one typed word may stand for ("p0" begins hundreds)
MIN_PREFIX = 3  # letters before a word is completed ("cup" → cups, "con" → container)
STOP_WORDS = frozenset({"a", "an", "and", "for", "of", "the", "to", "with"})
ALIASES = {"ounce": "oz", "fiber": "fibre", "colour": "color", "bioplastics": "bioplastic"}
SYNONYM_GROUPS = [
    {"compostable", "pla", "cpla", "bioplastic"},
    {"container", "bowl"},
]
SYNONYMS = {word: group for group in SYNONYM_GROUPS for word in group}

_WORD = re.compile(r"[a-z0-9]+")
_NUMBER_THEN_LETTER = re.compile(r"(?<=\d)(?=[a-z])")
_SKU_FRAGMENT = re.compile(r"^(?=.*\d)(?=.*[a-z])[a-z0-9][a-z0-9-]+$|^[a-z0-9]+-[a-z0-9-]*$", re.I)


# --- words --------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Lower-case ASCII words of `text`, a number split from the letters after it ("12oz")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _WORD.findall(_NUMBER_THEN_LETTER.sub(" ", text))


def stem(word: str) -> str:
    """A word's index form: plural → singular ("bowls", "boxes", "berries"), numbers without
    leading zeros, and the few aliases ("ounces" → "oz")."""
    if word.isdigit():
        word = str(int(word)) if len(word) < 10 else word
    elif len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return ALIASES.get(word, word)


def terms(text: str) -> list[str]:
    return [stem(word) for word in tokens(text)]


def document_terms(
    *, sku: str, name: str, category: str, material: str, capacities: Iterable[int]
) -> list[str]:
    """The index words of one product, each once, in order."""
    words = [
        *terms(sku),
        *terms(name),
        *terms(Category(category).label),
        *terms(Material(material).label),
    ]
    capacities = sorted(set(capacities))
    if capacities:
        words += [str(c) for c in capacities] + ["oz"]
    return list(dict.fromkeys(words))


# --- the index ----------------------------------------------------------------------------


def search_index_rebuild() -> int:
    """Rebuild the index from the mirror's offered products, in one transaction (the sync's, when
    it calls this); returns the number of products indexed."""
    with transaction.atomic():
        fits = defaultdict(set)  # lid SKU → capacities of the cups and bowls it fits
        for lid_sku, capacity in LidFit.objects.filter(
            product__discontinued=False, product__capacity_oz__isnull=False
        ).values_list("lid_sku", "product__capacity_oz"):
            fits[lid_sku].add(capacity)
        SearchDocument.objects.all().delete()
        SearchTerm.objects.all().delete()
        frequency, documents, count = Counter(), [], 0
        rows = Product.objects.available().values_list(
            "pk", "sku", "name", "category", "material", "capacity_oz"
        )
        for pk, sku, name, category, material, capacity in rows.iterator(chunk_size=BATCH):
            capacities = [capacity] if capacity else fits.get(sku, ())
            words = document_terms(
                sku=sku, name=name, category=category, material=material, capacities=capacities
            )
            frequency.update(words)
            documents.append(
                SearchDocument(
                    product_id=pk, terms=" ".join(words), name_terms=f" {' '.join(terms(name))} "
                )
            )
            if len(documents) >= BATCH:
                count += len(SearchDocument.objects.bulk_create(documents))
                documents = []
        count += len(SearchDocument.objects.bulk_create(documents))
        SearchTerm.objects.bulk_create(
            (SearchTerm(term=t[:64], documents=n) for t, n in frequency.items()), batch_size=BATCH
        )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO catalog_app_searchdocument_fts(catalog_app_searchdocument_fts) "
                    "VALUES('rebuild')"
                )
        mirror_changed()  # the vocabulary, suggestions and kept listings are of the new index
    return count


def search_index_missing() -> bool:
    return Product.objects.available().exists() and not SearchTerm.objects.exists()


# --- the vocabulary -----------------------------------------------------------------------


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), or limit + 1 as
    soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(word: str) -> int:
    """Typos forgiven: none below 4 letters, one from 4, two from 8; never in numbers."""
    if not word.isalpha() or len(word) < 4:
        return 0
    return 2 if len(word) >= 8 else 1


class Vocabulary:
    def __init__(self, frequency: dict[str, int]):
        self.frequency = frequency
        self.sorted = sorted(frequency)
        self.words = [t for t in self.sorted if t.isalpha()]

    def __contains__(self, term: str) -> bool:
        return term in self.frequency

    def _by_frequency(self, found: Iterable[str]) -> list[str]:
        return sorted(found, key=lambda t: (-self.frequency[t], t))

    def completions(self, prefix: str) -> list[str]:
        """Index words beginning with `prefix`, most frequent first (at most MAX_ALTERNATIVES)."""
        start = bisect_left(self.sorted, prefix)
        found = []
        for term in self.sorted[start:]:
            if not term.startswith(prefix):
                break
            found.append(term)
        return self._by_frequency(found)[:MAX_ALTERNATIVES]

    def nearest(self, word: str, limit: int) -> list[str]:
        """The vocabulary's words fewest edits (at most `limit`) away, most frequent first."""
        best, found = limit, []
        for term in self.words:
            distance = edit_distance(word, term, best)
            if distance < best:
                best, found = distance, [term]
            elif distance == best and distance <= limit:
                found.append(term)
        return self._by_frequency(found)


_vocabulary: tuple[str, Vocabulary] | None = None


def vocabulary() -> Vocabulary:
    """The index's vocabulary, read once per process and mirror version."""
    global _vocabulary
    version = mirror_version()
    if _vocabulary is None or _vocabulary[0] != version:
        _vocabulary = (
            version,
            Vocabulary(dict(SearchTerm.objects.values_list("term", "documents"))),
        )
    return _vocabulary[1]


# --- a query ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    typed: str
    terms: tuple[str, ...]  # the index words it stands for (none: nothing can match)
    how: str  # "exact", "completed", "corrected" or "unknown"

    @property
    def exact(self) -> str | None:
        return stem(self.typed) if self.how == "exact" else None


@dataclass(frozen=True)
class Query:
    text: str
    words: tuple[Word, ...]
    sku_fragment: str  # the text, when it may be (part of) a SKU

    @cached_property
    def matched_terms(self) -> frozenset[str]:
        return frozenset(t for word in self.words for t in word.terms)

    @property
    def understood(self) -> list[tuple[str, str]]:
        """Words read as others: [("rippel", "ripple")], for "Showing results for …"."""
        return [(w.typed, w.terms[0]) for w in self.words if w.how == "corrected"]

    @property
    def corrected_text(self) -> str:
        return " ".join(w.terms[0] if w.how == "corrected" else w.typed for w in self.words)


def parse(text: str, vocab: Vocabulary) -> Query:
    text = text.strip()
    words = []
    for typed in dict.fromkeys(tokens(text)):
        word = _read(typed, vocab)
        if word is not None:
            words.append(word)
    fragment = text if " " not in text and _SKU_FRAGMENT.match(text) and len(text) >= 3 else ""
    return Query(text=text, words=tuple(words), sku_fragment=fragment)


def _read(typed: str, vocab: Vocabulary) -> Word | None:
    base = stem(typed)
    if base in vocab:
        group = SYNONYMS.get(base, {base})
        return Word(typed, (base, *sorted(t for t in group if t in vocab and t != base)), "exact")
    if typed in STOP_WORDS or (len(typed) == 1 and typed.isalpha()):
        return None  # "for", or a stray letter: no reason to find nothing
    completable = len(typed) >= MIN_PREFIX or (len(typed) >= 2 and not typed.isalpha())
    if completable and not typed.isdigit() and (found := vocab.completions(typed)):
        return Word(typed, tuple(found), "completed")
    if (edits := allowed_edits(base)) and (found := vocab.nearest(base, edits)):
        synonyms = {s for t in found for s in SYNONYMS.get(t, ()) if s in vocab}
        return Word(typed, tuple(dict.fromkeys([*found, *sorted(synonyms)])), "corrected")
    return Word(typed, (), "unknown")


def _match(query: Query) -> Q | None:
    """The products the query's words find (None: it has none to look for). When a word is
    not in the catalog, a query that may be part of a SKU ("8OZ-EC") finds the SKUs holding it
    instead (every SKU holding a fragment whose words are all known holds those words, so the
    words alone find it; and an OR of the two would keep PostgreSQL off both indexes)."""
    if query.words and all(w.terms for w in query.words):
        return _full_text(query)
    if query.sku_fragment:
        return Q(sku__icontains=query.sku_fragment)
    return None


class TsMatch(Func):
    """PostgreSQL: `to_tsvector('simple', column) @@ to_tsquery('simple', query)`, written as
    the search index is (catalog_app/migrations/0003_search_index.py), so the index serves it."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        column, column_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"to_tsvector('simple'::regconfig, {column}) "
            f"@@ to_tsquery('simple'::regconfig, {query})"
        )
        return sql, (*column_params, *query_params)


def _full_text(query: Query) -> Q:
    if connection.vendor == "postgresql":
        # On the joined document (the ranking reads its name too), so that PostgreSQL finds
        # the matches by the index first, instead of sorting every product and then checking.
        expression = " & ".join(f"({' | '.join(w.terms)})" for w in query.words)
        return Q(TsMatch(F("search_document__terms"), Value(expression)))
    expression = " AND ".join(f"({' OR '.join(f'"{t}"' for t in w.terms)})" for w in query.words)
    return Q(
        pk__in=RawSQL(
            "SELECT rowid FROM catalog_app_searchdocument_fts "
            "WHERE catalog_app_searchdocument_fts MATCH %s",
            (expression,),
        )
    )


def _in_name(words: Iterable[Iterable[str]]) -> Q:
    return reduce(
        and_,
        (
            reduce(or_, (Q(search_document__name_terms__contains=f" {t} ") for t in alternatives))
            for alternatives in words
        ),
    )


def _rank(query: Query) -> Case:
    whens = []
    if " " not in query.text:
        whens += [
            When(sku__iexact=query.text, then=Value(0)),
            When(sku__istartswith=query.text, then=Value(1)),
        ]
    if query.words and all(w.terms for w in query.words):
        if all(w.exact for w in query.words):
            whens.append(When(_in_name([w.exact] for w in query.words), then=Value(2)))
        whens.append(When(_in_name(w.terms for w in query.words), then=Value(3)))
    return Case(*whens, default=Value(4), output_field=IntegerField())


RANKED = ("search_rank", Length("name"), "sku")


def search(products: QuerySet, query: Query) -> QuerySet:
    """`products` narrowed to those the query finds, annotated with `search_rank` (order them
    by RANKED for relevance)."""
    match = _match(query)
    if match is None:
        return products.none().annotate(search_rank=Value(4))
    return products.filter(match).annotate(search_rank=_rank(query))


SUGGESTIONS = 6


@dataclass(frozen=True)
class Suggestions:
    query: Query
    products: list[Product]
    did_you_mean: str


def suggestions(text: str) -> Suggestions | None:
    """What the search box offers while the buyer types: the first few products the search
    finds, or a query that finds some (None before there is anything to look for)."""
    if len(text.strip()) < 2:
        return None
    vocab = vocabulary()
    query = parse(text, vocab)
    offered = Product.objects.available()
    found = list(search(offered, query).order_by(*RANKED)[:SUGGESTIONS])
    return Suggestions(query, found, "" if found else did_you_mean(offered, query, vocab))


def did_you_mean(products: QuerySet, query: Query, vocab: Vocabulary) -> str:
    """For a search that found nothing: a query like it that finds something ("" if none
    does). Unknown words are replaced by the nearest words of the catalog (two edits, or a third
    of the word); failing that, one word is left out."""
    if not query.words:
        return ""
    replaced, changed = [], False
    for word in query.words:
        if word.terms:
            replaced.append(word.typed)
            continue
        limit = max(2, len(word.typed) // 3) if word.typed.isalpha() else 0
        nearest = vocab.nearest(stem(word.typed), limit) if limit else []
        if nearest:
            replaced.append(nearest[0])
            changed = True
    candidates = [" ".join(replaced)] if changed and replaced else []
    if len(query.words) > 1:
        typed = query.corrected_text.split()
        candidates += [" ".join(typed[:i] + typed[i + 1 :]) for i in reversed(range(len(typed)))]
    for candidate in candidates:
        # count(), not exists(): for LIMIT 1 PostgreSQL may scan every product and compute its
        # words, hoping to stop early; a candidate that finds nothing then costs ~0.4 s.
        if candidate and search(products, parse(candidate, vocab)).count():
            return candidate
    return ""


# --- showing a match ----------------------------------------------------------------------

_DISPLAY_WORD = re.compile(r"[A-Za-z]+|\d+")


def highlight(text: str, query: Query | None) -> SafeString:
    """`text` escaped, with the words the query matched in <mark> (a SKU: the fragment typed)."""
    if not query:
        return escape(text)
    spans = []
    if query.sku_fragment and (at := text.lower().find(query.sku_fragment.lower())) >= 0:
        spans.append((at, at + len(query.sku_fragment)))
    else:
        wanted = query.matched_terms
        spans = [
            found.span()
            for found in _DISPLAY_WORD.finditer(text)
            if stem(found.group().lower()) in wanted
        ]
    parts, position = [], 0
    for start, end in spans:
        parts += [escape(text[position:start]), format_html("<mark>{}</mark>", text[start:end])]
        position = end
    parts.append(escape(text[position:]))
    return SafeString("".join(parts))
