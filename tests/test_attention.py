"""Tests for rnn_helpers/attention.py: gradient checks, masking, the bidirectional encoder, beam search."""
import itertools

import numpy as np
import pytest

from rnn_helpers import attention
from rnn_helpers.gradcheck import numerical_gradient, rel_error

TOL = 1e-7  # float64 centred differences
# All sizes differ, so no swapped axis can pass.
N, T, S, H, K, A, d, Dv, D = 2, 3, 5, 4, 6, 7, 8, 9, 10
LENGTHS = np.array([5, 3])


def _grads_match(forward, args, backward, index=0, names=None):
    """Each gradient of backward against centred differences of sum(out * dout)."""
    rng = np.random.default_rng(7)
    out, *rest = forward(*args)
    dout = rng.normal(size=out.shape)
    grads = backward(dout, rest[-1])
    for i, (a, g) in enumerate(zip(args, grads)):
        def f(v, i=i):
            return forward(*[v if j == i else args[j] for j in range(len(args))])[0]
        num = numerical_gradient(f, a.copy(), dout)
        assert rel_error(g, num) < TOL, (names[i] if names else i, rel_error(g, num))


def _additive_args(rng):
    return [rng.normal(size=(N, T, H)), rng.normal(size=(N, S, K)), rng.normal(size=(H, A)),
            rng.normal(size=(K, A)), rng.normal(size=A)]


@pytest.mark.parametrize("lengths", [None, LENGTHS])
def test_additive_attention_gradcheck(lengths):
    args = _additive_args(np.random.default_rng(0))
    fwd = lambda *a: attention.additive_attention_forward(*a, lengths=lengths)
    _grads_match(fwd, args, attention.additive_attention_backward,
                 names=("dq", "dk", "dWq", "dWk", "dva"))


def test_additive_attention_against_a_loop_and_masks_padding():
    q, k, Wq, Wk, va = _additive_args(np.random.default_rng(1))
    context, alpha, _ = attention.additive_attention_forward(q, k, Wq, Wk, va, LENGTHS)
    assert context.shape == (N, T, K) and alpha.shape == (N, T, S)
    for n, t in itertools.product(range(N), range(T)):
        L = LENGTHS[n]
        e = np.array([va @ np.tanh(q[n, t] @ Wq + k[n, s] @ Wk) for s in range(L)])
        w = np.exp(e - e.max()) / np.exp(e - e.max()).sum()
        np.testing.assert_allclose(alpha[n, t, :L], w, rtol=1e-12)
        assert np.all(alpha[n, t, L:] == 0)  # padding gets no weight
        np.testing.assert_allclose(context[n, t], w @ k[n, :L], rtol=1e-12)
    # Changing a padded key changes nothing.
    k2 = k.copy()
    k2[1, 3:] = 100.0
    np.testing.assert_array_equal(attention.additive_attention_forward(q, k2, Wq, Wk, va, LENGTHS)[0], context)


@pytest.mark.parametrize("scale, causal, lengths", [(True, False, None), (False, False, LENGTHS),
                                                    (True, True, None)])
def test_dot_product_attention_gradcheck(scale, causal, lengths):
    rng = np.random.default_rng(2)
    Tq = S if causal else T
    args = [rng.normal(size=(N, Tq, d)), rng.normal(size=(N, S, d)), rng.normal(size=(N, S, Dv))]
    fwd = lambda *a: attention.dot_product_attention_forward(*a, lengths=lengths, scale=scale, causal=causal)
    _grads_match(fwd, args, attention.dot_product_attention_backward, names=("dq", "dk", "dv"))


def test_scaled_dot_product_closed_form():
    # q . k = 4 and 0; scaled by 1/sqrt(4) the scores are 2 and 0.
    q = np.zeros((1, 1, 4)); q[0, 0, 0] = 2.0
    k = np.zeros((1, 2, 4)); k[0, 0, 0] = 2.0; k[0, 1, 1] = 2.0
    v = np.array([[[1.0], [0.0]]])
    out, alpha, _ = attention.dot_product_attention_forward(q, k, v)
    np.testing.assert_allclose(alpha[0, 0], [np.e ** 2 / (np.e ** 2 + 1), 1 / (np.e ** 2 + 1)])
    np.testing.assert_allclose(out[0, 0, 0], alpha[0, 0, 0])
    _, alpha, _ = attention.dot_product_attention_forward(q, k, v, scale=False)
    np.testing.assert_allclose(alpha[0, 0, 0], np.e ** 4 / (np.e ** 4 + 1))


@pytest.mark.parametrize("causal", [False, True])
def test_self_attention_gradcheck_and_causal_mask(causal):
    rng = np.random.default_rng(3)
    # Weights of size 1/sqrt(D): unsaturated weights, so no gradient entry is tiny.
    args = [rng.normal(size=(N, T, D))] + [rng.normal(size=(D, m)) / np.sqrt(D) for m in (d, d, Dv)]
    fwd = lambda *a: attention.self_attention_forward(*a, causal=causal)
    _grads_match(fwd, args, attention.self_attention_backward, names=("dx", "dWq", "dWk", "dWv"))
    _, alpha, _ = fwd(*args)
    assert alpha.shape == (N, T, T)
    if causal:  # no step reads a later one
        assert np.all(alpha[:, np.triu_indices(T, 1)[0], np.triu_indices(T, 1)[1]] == 0)


def test_reverse_padded():
    x = np.arange(2 * 4).reshape(2, 4)
    out = attention.reverse_padded(x, np.array([4, 2]))
    np.testing.assert_array_equal(out, [[3, 2, 1, 0], [5, 4, 6, 7]])
    np.testing.assert_array_equal(attention.reverse_padded(out, np.array([4, 2])), x)


def _model_batch(rng, U=9, V=7):
    src = rng.integers(0, U, size=(3, S))
    lengths = np.array([5, 2, 4])
    dec_in = rng.integers(0, V, size=(3, 4))
    dec_out = np.array([[3, 4, 5, 2], [6, 2, -1, -1], [4, 4, 2, -1]])
    return src, lengths, dec_in, dec_out


@pytest.mark.parametrize("bidirectional, cell", [(True, "gru"), (False, "gru"), (True, "rnn")])
def test_attention_seq2seq_gradcheck_every_parameter(bidirectional, cell):
    # As in test_seq2seq: norm-relative error below 1e-7 for every parameter, and
    # entry by entry below 1e-4 (some entries are near the round-off of centred differences).
    rng = np.random.default_rng(4)
    model = attention.AttentionSeq2Seq(9, 7, hidden_size=H, embed_dim=3, attention_size=A,
                                       bidirectional=bidirectional, cell=cell, seed=1)
    for k in ("enc_b", "dec_b", "bc", "by") + (("encb_b",) if bidirectional else ()):
        model.params[k] = 0.1 * rng.normal(size=model.params[k].shape)
    src, lengths, dec_in, dec_out = _model_batch(rng)
    X = (src, lengths, dec_in)
    _, grads = model.loss_and_grads(X, dec_out)
    assert set(grads) == set(model.params)
    for name, p in list(model.params.items()):
        def loss_at(value, name=name):
            model.params[name] = value
            return model.loss_and_grads(X, dec_out)[0]
        num = numerical_gradient(loss_at, p.copy())
        model.params[name] = p
        norm_rel = np.linalg.norm(grads[name] - num) / (np.linalg.norm(grads[name]) + np.linalg.norm(num))
        assert norm_rel < TOL, (name, norm_rel)
        assert rel_error(grads[name], num) < 1e-4, name


def test_padding_after_a_source_changes_nothing():
    rng = np.random.default_rng(5)
    model = attention.AttentionSeq2Seq(9, 7, hidden_size=H, embed_dim=3, attention_size=A, seed=2)
    src, lengths, dec_in, dec_out = _model_batch(rng)
    src2 = src.copy()
    src2[1, 2:] = 8  # row 1 has length 2: the rest is padding
    a = model.sequence_log_prob((src, lengths, dec_in), dec_out)
    b = model.sequence_log_prob((src2, lengths, dec_in), dec_out)
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_decode_step_and_translate_agree_with_teacher_forcing():
    rng = np.random.default_rng(6)
    model = attention.AttentionSeq2Seq(9, 7, hidden_size=H, embed_dim=3, attention_size=A, seed=3)
    src, lengths, _, _ = _model_batch(rng)
    out, alphas = model.translate(src, lengths, 1, 2, max_len=4)
    # Feed the greedy output back teacher-forced: the same weights at every step written.
    dec_in = np.concatenate([np.ones((3, 1), dtype=np.int64), np.maximum(out[:, :-1], 0)], axis=1)
    teacher = model.alignment((src, lengths, dec_in))
    for n in range(3):
        steps = (out[n] >= 0).sum()
        np.testing.assert_allclose(alphas[n, :steps], teacher[n, :steps], rtol=1e-10)
    # The log-probability of the greedy output is what beam width 1 reports.
    ids, logp = model.beam_translate(src, lengths, 1, 2, beam_width=1, max_len=4)
    np.testing.assert_array_equal(ids, out)


# ---------------------------------------------------------------- beam search

def _markov_step(P):
    """A decoder whose state is the last token: logp of the next token is log P[last]."""
    return lambda tokens, state: (np.log(P[tokens]), state)


def _brute_force(P, start, end, max_len):
    """The likeliest output (ending with end within max_len tokens, or cut at max_len)."""
    V, best = P.shape[0], (-np.inf, None)
    for L in range(1, max_len + 1):
        for seq in itertools.product(range(V), repeat=L):
            if end in seq[:-1] or (L < max_len and seq[-1] != end):
                continue
            lp = sum(np.log(P[a, b]) for a, b in zip((start,) + seq[:-1], seq))
            best = max(best, (lp, seq))
    return best


def test_beam_search_finds_what_greedy_misses_and_wide_beams_are_exact():
    # From start 0: token 1 looks best (0.5) but leads nowhere good; token 2 (0.4) leads to a sure end.
    P = np.array([[0.0, 0.5, 0.4, 0.1],
                  [0.0, 0.3, 0.3, 0.4],
                  [0.0, 0.0, 0.0, 1.0],
                  [0.25, 0.25, 0.25, 0.25]]) + 1e-12
    P /= P.sum(axis=1, keepdims=True)
    step, state = _markov_step(P), np.zeros((1, 1))
    greedy, lp1 = attention.beam_search(step, state, 0, 3, beam_width=1, max_len=4)
    beam, lp2 = attention.beam_search(step, state, 0, 3, beam_width=2, max_len=4)
    assert greedy[0].tolist()[:2] == [1, 3] and beam[0].tolist()[:2] == [2, 3]
    np.testing.assert_allclose([lp1[0], lp2[0]], [np.log(0.5 * 0.4), np.log(0.4)], rtol=1e-9)
    # A beam as wide as every partial output is exhaustive search.
    rng = np.random.default_rng(0)
    for _ in range(5):
        P = rng.dirichlet(np.ones(4), size=4)
        lp_best, seq = _brute_force(P, 0, 3, 3)
        ids, lp = attention.beam_search(_markov_step(P), np.zeros((1, 1)), 0, 3, beam_width=16, max_len=3)
        np.testing.assert_allclose(lp[0], lp_best, rtol=1e-9)
        assert tuple(i for i in ids[0] if i >= 0) == seq


def test_beam_search_rows_are_independent_and_wider_is_never_worse_here():
    rng = np.random.default_rng(1)
    P = rng.dirichlet(np.ones(5), size=5)
    state = np.zeros((3, 2))
    prev = None
    for B in range(1, 6):
        ids, lp = attention.beam_search(_markov_step(P), state, 0, 4, beam_width=B, max_len=5)
        assert ids.shape == (3, 5) and np.all(lp == lp[0])  # three identical sources
        prev = lp if prev is None else prev
    assert lp[0] >= prev[0] - 1e-12


def test_beam_step_keeps_the_best_over_all_beams():
    scores = np.array([[0.0, -1.0]])
    logp = np.log(np.array([[[0.5, 0.5, 0.0 + 1e-300], [0.9, 0.05, 0.05]]]))
    new, parent, token = attention.beam_step(scores, logp)
    # Both extensions of beam 0 (log 0.5 each) beat beam 1's best (-1 + log 0.9).
    np.testing.assert_array_equal(parent, [[0, 0]])
    np.testing.assert_array_equal(token, [[0, 1]])
    np.testing.assert_allclose(new, [[np.log(0.5)] * 2])


def test_bad_input_names_the_argument_and_shapes():
    q, k, Wq, Wk, va = _additive_args(np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"additive_attention_forward: Wk must have shape \(K, A\)"):
        attention.additive_attention_forward(q, k, Wq, Wk.T, va)
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, S\] = \[1, 5\], got values from 0"):
        attention.additive_attention_forward(q, k, Wq, Wk, va, np.array([0, 3]))
    with pytest.raises(ValueError, match=r"lengths must have shape \(N,\) = \(2,\), got \(3,\)"):
        attention.additive_attention_forward(q, k, Wq, Wk, va, np.array([1, 3, 3]))
    bad = q.copy(); bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        attention.additive_attention_forward(bad, k, Wq, Wk, va)
