"""Data sets generated in code, so no notebook downloads anything.

Sine windows: the task of notebook 03. A window holds T consecutive values
sin(t), sin(t+1), ..., sin(t+T-1) at integer t; its target is sin(t+T).
"""
import numpy as np

from ._checks import check_arrays, check_finite, check_int, check_number, check_seed, is_int


def sine_windows(t_start, t_stop, seq_len=25):
    """Every window of seq_len inputs plus one target inside t_start..t_stop-1.

    Inputs:
    - t_start, t_stop: the integer time steps the windows may use,
      t_start <= t < t_stop (inputs and target alike)
    - seq_len: T, the number of inputs per window

    Returns:
    - X: (N, T, 1) inputs, N = t_stop - t_start - T
    - y: (N, 1) targets, y[i] = sin(t_start + i + T)
    - t: (N, T + 1) the time step of every input and of the target
    """
    if not all(is_int(v) for v in (t_start, t_stop, seq_len)):
        raise ValueError("sine_windows: t_start, t_stop and seq_len must be integers, got "
                         f"{t_start!r}, {t_stop!r}, {seq_len!r}")
    if seq_len < 1 or t_stop - t_start < seq_len + 1:
        raise ValueError(f"sine_windows: need seq_len >= 1 and at least seq_len + 1 = "
                         f"{seq_len + 1} time steps, got seq_len={seq_len} and "
                         f"{t_stop - t_start} steps (t_start={t_start}, t_stop={t_stop})")
    n = t_stop - t_start - seq_len
    # Row i holds the time steps t_start + i, ..., t_start + i + T.
    t = t_start + np.arange(n)[:, None] + np.arange(seq_len + 1)  # (N, T+1)
    series = np.sin(t.astype(np.float64))
    return series[:, :-1, None], series[:, -1:], t


def sine_train_test(seq_len=25, train_stop=250, test_start=300, test_stop=400):
    """Training windows from t < train_stop and held-out windows from
    test_start <= t < test_stop; the two share no time step.

    Returns: X_train, y_train, X_test, y_test, shaped as in sine_windows.
    """
    if test_start < train_stop:
        raise ValueError(f"sine_train_test: test_start must not be before train_stop, or the "
                         f"split would share time steps; got test_start={test_start!r} and "
                         f"train_stop={train_stop!r}")
    X_train, y_train, _ = sine_windows(0, train_stop, seq_len)
    X_test, y_test, _ = sine_windows(test_start, test_stop, seq_len)
    return X_train, y_train, X_test, y_test


# ---------------------------------------------------------------- long-memory tasks (notebooks 04, 05)
#
# Recall: one symbol, then `gap` distractors, then a query; the label is the
# first symbol. Nothing between the symbol and the query helps, so a model
# must carry the symbol across the whole gap.
#
# Adding problem (Hochreiter & Schmidhuber, 1997): a regression over random
# numbers where two are marked; the target is the sum of the marked two.
#
# Agreement: "the cat , which the dogs chased quietly again , [was]": the
# verb's number is set by the first noun, while a noun of the other number
# (the "attractor") sits between them, closer to the verb.

def recall_vocab(num_symbols=4, num_distractors=4):
    """The printable token of every id in recall_task: itos, a list of V strings.

    Symbols are "A", "B", ...; distractors "0", "1", ...; the query is "?".
    V = num_symbols + num_distractors + 1.
    """
    check_int("recall_vocab", "num_symbols", num_symbols, 2, 26)  # the letters A to Z
    check_int("recall_vocab", "num_distractors", num_distractors, 1, 10)  # the digits 0 to 9
    return ([chr(ord("A") + s) for s in range(num_symbols)]
            + [str(k) for k in range(num_distractors)] + ["?"])


def recall_task(num_samples, gap, num_symbols=4, num_distractors=4, seed=0):
    """Sequences "symbol, gap distractors, query"; the label is the symbol.

    Token ids: symbols 0..C-1, distractors C..C+K-1, query C+K, so the
    vocabulary has V = C + K + 1 tokens (recall_vocab names them). Chance
    accuracy is 1 / C. Use a different seed for held-out data.

    Inputs:
    - num_samples: N; gap: number of distractors between symbol and query, >= 0
    - num_symbols: C, the classes; num_distractors: K
    - seed: seeds the draws

    Returns:
    - tokens: (N, gap + 2) int64, e.g. [2, 5, 4, 7, 8] = "C 1 0 3 ?"
    - labels: (N,) int64 in [0, C): tokens[:, 0]
    """
    check_int("recall_task", "num_samples", num_samples, 1)
    check_int("recall_task", "gap", gap, 0)
    check_seed("recall_task", seed)
    C, K = num_symbols, num_distractors
    recall_vocab(C, K)  # checks C and K
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, C, size=num_samples)  # (N,)
    distractors = rng.integers(C, C + K, size=(num_samples, gap))  # (N, gap)
    query = np.full((num_samples, 1), C + K)  # (N, 1)
    tokens = np.concatenate([labels[:, None], distractors, query], axis=1)  # (N, gap + 2)
    return tokens.astype(np.int64), labels.astype(np.int64)


def adding_problem(num_samples, seq_len, seed=0):
    """The adding problem: add the two marked numbers of a random sequence.

    Each step holds (value, marker): values uniform in [0, 1); exactly two
    markers are 1, one in the first half of the sequence and one in the second.
    Predicting 1 (the mean target) scores a mean squared error of 1/6.

    Inputs: num_samples: N; seq_len: T >= 2; seed: seeds the draws.
    Returns: X: (N, T, 2) floats; y: (N, 1), the sum of the two marked values.
    """
    check_int("adding_problem", "num_samples", num_samples, 1)
    check_int("adding_problem", "seq_len", seq_len, 2)
    check_seed("adding_problem", seed)
    N, T = num_samples, seq_len
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(N, T))
    # One marked step in each half of the sequence.
    first = rng.integers(0, T // 2, size=N)
    second = rng.integers(T // 2, T, size=N)
    markers = np.zeros((N, T))
    markers[np.arange(N), first] = 1.0
    markers[np.arange(N), second] = 1.0
    X = np.stack([values, markers], axis=2)  # (N, T, 2)
    y = (values * markers).sum(axis=1, keepdims=True)  # (N, 1)
    return X, y


_NOUNS = ["cat", "dog", "boy", "girl", "bird", "horse", "teacher", "farmer"]
_CLAUSE_VERBS = ["chased", "saw", "liked", "followed", "heard"]
_FILLERS = ["all", "afternoon", "quietly", "again", "near", "there", "often", "very",
            "slowly", "today", "outside", "happily"]
AGREEMENT_VERBS = ("was", "were")  # label 0: singular subject, label 1: plural


def agreement_vocab():
    """itos for agreement_task: "<pad>" (id 0), function words, nouns, verbs, fillers."""
    plural = [n + "s" for n in _NOUNS]
    return ["<pad>", "the", ",", "which"] + _NOUNS + plural + _CLAUSE_VERBS + _FILLERS


def agreement_task(num_samples, max_clause_len, min_clause_len=0, seed=0):
    """Sentences "the N1 , which the N2 V fillers... ," whose next word is was / were.

    N1 (the subject) is singular or plural at random and decides the label.
    N2 (the attractor) is nearer the verb and has its own random number, so
    only the subject predicts the verb: on sentences where the two differ, a
    model that copies the number of the latest noun scores 0%. The clause
    holds a verb and between min_clause_len and max_clause_len filler words
    (uniformly), none of which carries number.

    Inputs:
    - num_samples: N; min_clause_len, max_clause_len: the range of filler counts
    - seed: seeds the draws

    Returns:
    - tokens: (N, T) int64 ids into agreement_vocab(), right-padded with 0,
      T = 8 + max_clause_len
    - lengths: (N,) int64, the number of real tokens in each sentence
    - labels: (N,) int64, 0 for "was" (singular subject), 1 for "were"
    - clause_lens: (N,) int64, the number of fillers in each sentence
    - attractor: (N,) int64, the attractor's number (0 singular, 1 plural);
      attractor != labels marks the sentences with a misleading attractor
    """
    check_int("agreement_task", "num_samples", num_samples, 1)
    check_int("agreement_task", "min_clause_len", min_clause_len, 0)
    check_int("agreement_task", "max_clause_len", max_clause_len, 0)
    if max_clause_len < min_clause_len:
        raise ValueError(f"agreement_task: max_clause_len must be >= min_clause_len = "
                         f"{min_clause_len}, got {max_clause_len}")
    check_seed("agreement_task", seed)
    stoi = {w: i for i, w in enumerate(agreement_vocab())}
    nouns = np.array([[stoi[n], stoi[n + "s"]] for n in _NOUNS])  # (8, 2): singular, plural id
    N, T = num_samples, 8 + max_clause_len
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=N)  # number of the subject
    attractor = rng.integers(0, 2, size=N)  # number of the attractor, independent of it
    clause_lens = rng.integers(min_clause_len, max_clause_len + 1, size=N)
    # Two different nouns per sentence: the subject and the attractor.
    n1 = rng.integers(0, len(_NOUNS), size=N)
    n2 = (n1 + rng.integers(1, len(_NOUNS), size=N)) % len(_NOUNS)
    verbs = np.array([stoi[v] for v in _CLAUSE_VERBS])[rng.integers(0, len(_CLAUSE_VERBS), N)]
    fillers = np.array([stoi[f] for f in _FILLERS])[rng.integers(0, len(_FILLERS), (N, T))]
    # Fixed head "the N1 , which the N2 V", then fillers, then the closing comma.
    tokens = np.zeros((N, T), dtype=np.int64)
    head = [np.full(N, stoi["the"]), nouns[n1, labels], np.full(N, stoi[","]),
            np.full(N, stoi["which"]), np.full(N, stoi["the"]), nouns[n2, attractor], verbs]
    tokens[:, :7] = np.stack(head, axis=1)  # (N, 7)
    steps = np.arange(T)  # (T,)
    is_filler = (steps >= 7) & (steps < 7 + clause_lens[:, None])  # (N, T)
    tokens[is_filler] = fillers[is_filler]
    tokens[np.arange(N), 7 + clause_lens] = stoi[","]
    lengths = 8 + clause_lens
    return (tokens, lengths.astype(np.int64), labels.astype(np.int64),
            clause_lens.astype(np.int64), attractor.astype(np.int64))


# ---------------------------------------------------------------- word-level tasks (notebooks 01 and 02)
#
# Every generator below is seeded, returns plain Python lists of tokens (and
# numpy arrays of labels), and splits into training and held-out parts that
# share no sentence. rnn_helpers.text turns the tokens into id arrays.

REVIEW_SUBJECTS = {"the film": 0, "the show": 0, "the book": 0,       # topic 0: entertainment
                   "the food": 1, "the hotel": 1, "the service": 1}   # topic 1: hospitality
REVIEW_TOPICS = ("entertainment", "hospitality")
POSITIVE = ("good", "great", "fine", "nice")
NEGATIVE = ("bad", "awful", "poor", "boring")
_POLARITY = {**{w: 1 for w in POSITIVE}, **{w: 0 for w in NEGATIVE}}


def _review_templates():
    """Every (sentence, sentiment) the review grammar makes; sentiment 1 = positive.

    Negation flips a word's polarity; after "actually" or "but it was", the
    last adjective decides; in "ADJ1 , not ADJ2" the first one does.
    """
    adjectives = POSITIVE + NEGATIVE
    opposite = [(a, b) for a in adjectives for b in adjectives if _POLARITY[a] != _POLARITY[b]]
    same = [(a, b) for a in adjectives for b in adjectives if a != b and _POLARITY[a] == _POLARITY[b]]
    out = []
    for s in REVIEW_SUBJECTS:
        for a in adjectives:
            for adv in ("", "very ", "really "):
                out.append((f"{s} was {adv}{a}", _POLARITY[a]))
            for neg in ("not", "never"):
                out.append((f"{s} was {neg} {a}", 1 - _POLARITY[a]))
        for a, b in opposite:
            out.append((f"{s} was not {a} , actually {b}", _POLARITY[b]))
            out.append((f"{s} was {a} , not {b}", _POLARITY[a]))
            out.append((f"i expected {s} to be {a} , but it was {b}", _POLARITY[b]))
        for a, b in same:
            out.append((f"i expected {s} to be {a} , and it was {b}", _POLARITY[b]))
    return out


def review_sentences(seed=0):
    """Every sentence of a small review grammar, shuffled, with two labels each.

    The sentiment of many sentences depends on word order: "not bad ,
    actually good" is positive and "not good , actually bad" negative, with
    the same words. The topic (which thing is reviewed) does not.

    Returns:
    - sentences: list of N token lists, e.g. ['the', 'film', 'was', 'not', 'bad']
    - sentiment: (N,) int64, 1 positive, 0 negative
    - topic: (N,) int64, index into REVIEW_TOPICS
    """
    check_seed("review_sentences", seed)
    pairs = _review_templates()
    order = np.random.default_rng(seed).permutation(len(pairs))
    sentences = [pairs[i][0].split() for i in order]
    sentiment = np.array([pairs[i][1] for i in order], dtype=np.int64)
    topic = np.array([REVIEW_SUBJECTS[" ".join(s[s.index("the"):s.index("the") + 2])]
                      for s in sentences], dtype=np.int64)
    return sentences, sentiment, topic


def train_test_split(n, test_fraction=0.25, seed=0):
    """Shuffled indices of a training part and a held-out part of range(n).

    Returns: train_idx (n - n_test,), test_idx (n_test,), n_test = round(n * test_fraction).
    """
    check_int("train_test_split", "n", n, low=2)
    check_number("train_test_split", "test_fraction", test_fraction, "(0, 1)")
    check_seed("train_test_split", seed)
    n_test = min(max(int(round(n * test_fraction)), 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[n_test:]), np.sort(order[:n_test])


PERSONS = ("emma", "liam", "olivia", "noah", "mia", "lucas", "sofia", "omar")
PLACES = ("london", "tokyo", "berlin", "rome", "cairo", "lima", "new york", "hong kong",
          "los angeles")
AMBIGUOUS_NAMES = ("jordan", "georgia", "paris", "washington", "florence", "chelsea",
                   "austin", "victoria")  # each is a person's name and a place
TAGS = ("O", "PLACE", "PERSON")
_TAGGER_TEMPLATES = (
    "{PER} lives in {PLC}", "{PLC} is amazing , and {PER} loves it", "i met {PER} in {PLC}",
    "we flew from {PLC} to {PLC}", "{PER} and {PER} visited {PLC}", "the weather in {PLC} is nice",
    "{PER} called {PER} from {PLC}", "my friend {PER} moved to {PLC}", "{PLC} is a big city",
    "{PER} is my sister", "i saw {PER} at the station in {PLC}", "she drove to {PLC} with {PER}",
)


def _fill_template(template, rng, p_ambiguous):
    """One sentence from a template: (tokens, tags)."""
    tokens, tags = [], []
    for part in template.split():
        if part in ("{PER}", "{PLC}"):
            kind, pool = ("PERSON", PERSONS) if part == "{PER}" else ("PLACE", PLACES)
            name = rng.choice(AMBIGUOUS_NAMES) if rng.random() < p_ambiguous else rng.choice(pool)
            words = name.split()
            tokens += words
            tags += [kind] * len(words)
        else:
            tokens.append(part)
            tags.append("O")
    return tokens, tags


def place_person_sentences(n=2000, p_ambiguous=0.35, seed=0):
    """n different sentences with a tag per token: O, PLACE or PERSON.

    Names in AMBIGUOUS_NAMES ("paris", "jordan", ...) fill both person and
    place slots, so only the context tells their tag. Where the name starts
    the sentence, only the words after it tell.

    Returns: sentences: list of n token lists; tags: list of n tag lists (TAGS).
    """
    n_distinct = 60000  # far more sentences than asked for exist; fail loudly, not forever
    check_int("place_person_sentences", "n", n, low=1, high=n_distinct // 10)
    check_number("place_person_sentences", "p_ambiguous", p_ambiguous, "[0, 1]")
    check_seed("place_person_sentences", seed)
    rng = np.random.default_rng(seed)
    seen, sentences, tags = set(), [], []
    while len(sentences) < n:
        tokens, tag = _fill_template(_TAGGER_TEMPLATES[rng.integers(len(_TAGGER_TEMPLATES))],
                                     rng, p_ambiguous)
        if " ".join(tokens) not in seen:  # every sentence once, so a split shares none
            seen.add(" ".join(tokens))
            sentences.append(tokens)
            tags.append(tag)
    return sentences, tags


ACTIONS = ("walk", "run", "sit", "wave", "jump", "pick", "drop")


def action_videos(n=1500, min_len=8, max_len=14, seed=0):
    """Videos summarised as one action token per frame, with two kinds of label.

    A person walks, runs, sits, waves, jumps, picks something up ("pick") and
    puts it down ("drop"); "pick" only happens empty-handed, "drop" only
    while holding.

    Returns:
    - videos: list of n action lists, lengths in [min_len, max_len]
    - holding: list of n lists of 0/1, one per frame: is the person holding
      something after this frame? (a label per frame: many-to-many)
    - jumped_holding: (n,) int64, 1 if the person ever jumps while holding
      something (one label per video: many-to-one)
    """
    if not (is_int(min_len) and is_int(max_len) and 1 <= min_len <= max_len):
        raise ValueError(f"action_videos: need integers 1 <= min_len <= max_len, got "
                         f"{min_len!r}, {max_len!r}")
    check_int("action_videos", "n", n)
    check_seed("action_videos", seed)
    rng = np.random.default_rng(seed)
    moves = ("walk", "run", "sit", "wave", "jump")
    videos, holding, label = [], [], np.zeros(n, dtype=np.int64)
    for i in range(n):  # data generation: a loop over samples is fine here
        frames, held, h = [], [], 0
        for _ in range(rng.integers(min_len, max_len + 1)):
            change = rng.random() < (0.2 if h else 0.25)  # put down / pick up
            action = ("drop" if h else "pick") if change else moves[rng.integers(len(moves))]
            h = 1 - h if change else h
            frames.append(action)
            held.append(h)
            label[i] |= int(action == "jump" and h == 1)
        videos.append(frames)
        holding.append(held)
    return videos, holding, label


def momentum_prices(num_steps=3000, phi=0.6, sigma=1.0, start=100.0, seed=0):
    """A made-up price series whose daily changes carry momentum.

        r_t = phi * r_{t-1} + sigma * e_t,  e_t ~ N(0, 1);   p_t = start + r_1 + ... + r_t

    With phi = 0 this is a random walk, where nothing beats "tomorrow = today".
    With phi > 0 the best prediction of tomorrow's change is phi * (today's
    change), and its mean squared error is sigma**2.

    Returns: prices (num_steps,) float64.
    """
    check_int("momentum_prices", "num_steps", num_steps, low=2)
    check_number("momentum_prices", "phi", phi, "(-1, 1)")
    check_number("momentum_prices", "sigma", sigma)
    check_number("momentum_prices", "start", start, "(-inf, inf)")
    check_seed("momentum_prices", seed)
    e = np.random.default_rng(seed).normal(0.0, sigma, size=num_steps)
    r = np.empty(num_steps)
    r[0] = e[0] / np.sqrt(1 - phi ** 2)  # start in the stationary distribution
    for t in range(1, num_steps):
        r[t] = phi * r[t - 1] + e[t]
    return start + np.cumsum(r)


def price_windows(prices, seq_len=20):
    """Windows of seq_len past prices, and the next price, both relative to
    the window's last price (the model predicts a change, not a level).

    Inputs: prices (S,) float. Returns: X (N, T, 1), y (N, 1), N = S - T.
    """
    check_arrays("price_windows", prices=(prices, "S"))
    check_finite("price_windows", prices=prices)
    check_int("price_windows", "seq_len", seq_len, low=2, high=len(prices) - 1)
    idx = np.arange(len(prices) - seq_len)[:, None] + np.arange(seq_len + 1)  # (N, T+1)
    w = prices[idx] - prices[idx[:, seq_len - 1:seq_len]]  # (N, T+1): relative to the last input
    return w[:, :-1, None], w[:, -1:]


SHAPE_WORDS = {"count": ("one", "two", "three"), "colour": ("red", "green", "blue"),
               "shape": ("circle", "square", "star")}


def shape_scenes(n=1500, noise=0.3, extra_dims=3, seed=0):
    """Made-up "images": a vector that a vision network might hand over,
    describing 1-3 shapes of one colour, with a caption.

    The vector holds a one-hot code for the count, the colour and the shape
    (3 + 3 + 3 numbers), extra_dims irrelevant numbers, and Gaussian noise of
    standard deviation `noise` on every entry.

    Returns:
    - X: (n, D) float64, D = 9 + extra_dims
    - attributes: (n, 3) int64: count index, colour, shape
    - captions: list of n token lists, e.g. ['two', 'red', 'stars']
    """
    check_int("shape_scenes", "n", n)
    check_number("shape_scenes", "noise", noise, "[0, inf)")
    check_int("shape_scenes", "extra_dims", extra_dims, low=0)
    check_seed("shape_scenes", seed)
    rng = np.random.default_rng(seed)
    attributes = rng.integers(0, 3, size=(n, 3))  # (n, 3)
    X = np.zeros((n, 9 + extra_dims))
    for k in range(3):  # one-hot block k: columns 3k .. 3k+2
        X[np.arange(n), 3 * k + attributes[:, k]] = 1.0
    X += noise * rng.normal(size=X.shape)
    words = SHAPE_WORDS
    captions = [[words["count"][c], words["colour"][col],
                 words["shape"][s] + ("s" if c > 0 else "")] for c, col, s in attributes]
    return X, attributes, captions


MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_DATE_FORMATS = ("{d} {month} {y}", "{month} {d} , {y}", "{d} {mon} {y}", "{mon} {d} , {y}",
                 "the {d} of {month} {y}")


def date_pairs(n=4000, first_year=1990, last_year=2029, seed=0):
    """Dates written in words, and the same dates in ISO format, character by character.

    "26 november 2026", "nov 26 , 2026", "the 26 of november 2026", ...
    -> ['2', '0', '2', '6', '-', '1', '1', '-', '2', '6']

    Every date appears once at most, in one format, so a split shares none.

    Returns: sources: list of n token lists (3 to 5 words); targets: list of
    n lists of 10 characters.
    """
    check_int("date_pairs", "first_year", first_year, low=1000, high=9998)
    check_int("date_pairs", "last_year", last_year, low=first_year, high=9998)
    check_seed("date_pairs", seed)
    num_days = (np.datetime64(f"{last_year + 1}-01-01") - np.datetime64(f"{first_year}-01-01")).astype(int)
    if not is_int(n) or not 1 <= n <= num_days:
        raise ValueError(f"date_pairs: n must be an integer in [1, {num_days}] (the days from "
                         f"{first_year} to {last_year}), got {n!r}")
    rng = np.random.default_rng(seed)
    days = np.datetime64(f"{first_year}-01-01") + rng.choice(num_days, size=n, replace=False)
    sources, targets = [], []
    for day, fmt in zip(days, rng.integers(len(_DATE_FORMATS), size=n)):
        iso = str(day)  # 'YYYY-MM-DD'
        y, m, d = int(iso[:4]), int(iso[5:7]), int(iso[8:])
        month = MONTHS[m - 1]
        text = _DATE_FORMATS[fmt].format(d=d, y=y, month=month, mon=month[:3])
        sources.append(text.split())
        targets.append(list(iso))
    return sources, targets


def shared_rows(X_a, X_b):
    """Which rows (sequences) of X_b also occur somewhere in X_a.

    Use it to check that held-out sequences are new: with short gaps a task
    has few distinct sequences, and two seeds can draw the same ones.

    Inputs: X_a: (N_a, T) ints, X_b: (N_b, T) ints.
    Returns: (N_b,) booleans, True where the row of X_b is also a row of X_a
    (.sum() counts them, .any() asks whether there is one).
    """
    for name, X in (("X_a", X_a), ("X_b", X_b)):
        if not isinstance(X, np.ndarray) or X.ndim != 2 or X.dtype.kind not in "biuf":
            raise ValueError(f"shared_rows: {name} must be a 2-d numpy array (N, T) of numbers, "
                             f"got {getattr(X, 'shape', type(X).__name__)}"
                             f"{f' of dtype {X.dtype}' if isinstance(X, np.ndarray) else ''}")
    if X_a.shape[1] != X_b.shape[1]:
        raise ValueError(f"shared_rows: X_a and X_b must have the same T, got {X_a.shape[1]} "
                         f"and {X_b.shape[1]}")
    # Number every distinct row once; a row of X_b is shared if its number occurs in X_a.
    _, ids = np.unique(np.concatenate([X_a, X_b]), axis=0, return_inverse=True)
    ids = ids.ravel()
    return np.isin(ids[len(X_a):], ids[:len(X_a)])


def reversal_pairs(n, min_len=4, max_len=16, num_letters=8, seed=0):
    """Strings of random letters and the same strings reversed: the task of notebook 07.

    "fbdhae" -> ['e', 'a', 'h', 'd', 'b', 'f']. Every output letter depends on one input
    letter, and which one depends on the whole length, so a model must keep all of
    the input: exactly what a fixed-size context vector finds harder as strings grow.
    Lengths are drawn evenly from min_len to max_len; no string appears twice, so a
    split of the pairs shares none.

    Returns: sources: list of n lists of letters; targets: the same lists reversed.
    """
    check_int("reversal_pairs", "min_len", min_len)
    check_int("reversal_pairs", "max_len", max_len, low=min_len)
    check_int("reversal_pairs", "num_letters", num_letters, low=2, high=26)
    check_seed("reversal_pairs", seed)
    lengths = np.arange(min_len, max_len + 1)
    # At most half the distinct strings there are (so drawing stays quick), and a million.
    most = min(int(np.sum(np.minimum(float(num_letters) ** lengths, 1e12))) // 2, 10 ** 6)
    if not is_int(n) or not 1 <= n <= most:
        raise ValueError(f"reversal_pairs: n must be an integer in [1, {most}] (at most half the "
                         f"strings of {min_len} to {max_len} letters, and a million), got {n!r}")
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"[:num_letters]))
    seen, sources = set(), []
    while len(sources) < n:
        s = "".join(letters[rng.integers(num_letters, size=rng.integers(min_len, max_len + 1))])
        if s not in seen:  # a repeat would sit on both sides of a split
            seen.add(s)
            sources.append(list(s))
    return sources, [s[::-1] for s in sources]
