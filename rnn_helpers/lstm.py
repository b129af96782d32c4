"""A long short-term memory (LSTM) layer, forward and backward, in numpy.

Dimensions: N batch, T time steps, D input features, H hidden units.

Notes
-----
An LSTM carries two states: the hidden state h (what the layer outputs) and
the cell state c (its memory). One step computes four gates from one stacked
pre-activation, in the order input, forget, output, candidate (i, f, o, g):

    a_t = x_t @ Wx + h_{t-1} @ Wh + b        (N, 4H);  Wx (D, 4H), Wh (H, 4H), b (4H,)
    i_t = sigmoid(a_t[:, 0H:1H])    how much of the candidate to write
    f_t = sigmoid(a_t[:, 1H:2H])    how much of the old memory to keep
    o_t = sigmoid(a_t[:, 2H:3H])    how much of the memory to show
    g_t = tanh(a_t[:, 3H:4H])       the candidate values
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)

Backpropagation through time: the cell receives gradient from its own output
h_t and from step t+1, and passes it back through the forget gate alone:

    dc_t     = dc_next + dh_t * o_t * (1 - tanh(c_t)**2)
    dc_{t-1} = dc_t * f_t            (the cell path)

Going back one step along the cell path multiplies the gradient by f_t only:
no weight matrix and no squashing derivative. While the forget gates stay near
1 the gradient survives many steps, where a vanilla RNN multiplies it by
tanh'(a_t) and Wh.T at every step and it fades away.

As in rnn.py, the sequence functions hoist the input projection x @ Wx for all
T steps into one (N*T, D) @ (D, 4H) product (a gather of rows for token ids),
and the weight gradients into a product or two each, so the time loop holds
one (N, H) @ (H, 4H) product per step.
"""
import numpy as np

from ._checks import check_arrays, check_cache, check_finite, check_gate_weights
from ._inputs import check_inputs, float_dtype, input_grads, project


def sigmoid(a):
    """Logistic function 1 / (1 + exp(-a)), as a new float array (see _sigmoid_)."""
    s = np.array(a, dtype=np.result_type(a, 0.5))  # a float copy; float32 stays float32
    with np.errstate(over="ignore"):
        _sigmoid_(s)
    return s


def _sigmoid_(a):
    """In place: a <- sigmoid(a) = 1 / (1 + exp(-a)).

    exp(-a) overflows to inf for very negative a (below -709 in float64), and
    1 / (1 + inf) = 0 is the right answer: the caller silences that overflow
    warning with np.errstate(over="ignore"), once around its time loop (the
    context manager costs about as much as one of the four numpy calls here).
    One exp: numpy's exp is faster than its tanh.
    """
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1.0
    np.reciprocal(a, out=a)


def _with_gate_views(cache):
    """Add cache["i"], ["f"], ["o"], ["g"]: views into the stacked cache["gates"]."""
    cache.update(zip("ifog", np.split(cache["gates"], 4, axis=-1)))
    return cache


def _lstm_cell(a, c_prev):
    """Gates and new states from the stacked pre-activations a: (N, 4H)."""
    H = c_prev.shape[1]
    gates = np.concatenate([sigmoid(a[:, :3 * H]), np.tanh(a[:, 3 * H:])], axis=1)  # (N, 4H)
    i, f, o, g = np.split(gates, 4, axis=1)  # (N, H) each
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return gates, c, h


def _lstm_cell_backward(dh, dc, gates, c_prev, c):
    """Gradients at the pre-activations, da: (N, 4H), and at c_prev: (N, H).

    dh and dc are the whole gradients reaching h_t and c_t from later on.
    """
    i, f, o, g = np.split(gates, 4, axis=1)
    tanh_c = np.tanh(c)
    # h = o * tanh(c): the cell also gets gradient through this step's output.
    dc = dc + dh * o * (1.0 - tanh_c * tanh_c)
    # Gradient at each gate's value, then through its sigmoid or tanh.
    di, df, do, dg = dc * g, dc * c_prev, dh * tanh_c, dc * i
    da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                         do * o * (1.0 - o), dg * (1.0 - g * g)], axis=1)  # (N, 4H)
    return da, dc * f


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """One time step of an LSTM.

    Inputs:
    - x: (N, D) inputs at this step
    - h_prev: (N, H) hidden state from the previous step
    - c_prev: (N, H) cell state from the previous step
    - Wx: (D, 4H) input-to-gates weights, gates stacked as i, f, o, g
    - Wh: (H, 4H) hidden-to-gates (recurrent) weights
    - b: (4H,) bias

    Returns:
    - h: (N, H) next hidden state
    - c: (N, H) next cell state
    - cache: dict for lstm_step_backward, with the same keys as lstm_forward's
      but h_prev, c_prev in place of h0, c0 and (N, ...) shapes, no T
    """
    dims = check_arrays("lstm_step_forward", x=(x, "N,D"), h_prev=(h_prev, "N,H"),
                        c_prev=(c_prev, "N,H"))
    check_gate_weights("lstm_step_forward", dims, 4, Wx, Wh, b)
    check_finite("lstm_step_forward", x=x, h_prev=h_prev, c_prev=c_prev, Wx=Wx, Wh=Wh, b=b)
    gates, c, h = _lstm_cell(x @ Wx + h_prev @ Wh + b, c_prev)
    cache = dict(x=x, h_prev=h_prev, c_prev=c_prev, Wx=Wx, Wh=Wh, gates=gates, c=c, h=h)
    return h, c, _with_gate_views(cache)


def lstm_step_backward(dh, dc, cache):
    """Backward pass for one time step.

    Inputs:
    - dh: (N, H) gradient of the loss with respect to the output h
    - dc: (N, H) gradient of the loss with respect to the output c
    - cache: from lstm_step_forward

    Returns:
    - dx: (N, D), dh_prev: (N, H), dc_prev: (N, H),
      dWx: (D, 4H), dWh: (H, 4H), db: (4H,)
    """
    check_cache("lstm_step_backward", cache, "lstm_step_forward",
                keys=("x", "h_prev", "c_prev", "Wx", "Wh", "gates", "c"))
    check_arrays("lstm_step_backward", c=(cache["c"], "N,H"), dh=(dh, "N,H"), dc=(dc, "N,H"))
    check_finite("lstm_step_backward", dh=dh, dc=dc)
    da, dc_prev = _lstm_cell_backward(dh, dc, cache["gates"], cache["c_prev"], cache["c"])
    # a = x @ Wx + h_prev @ Wh + b, so each input gets da times its weight, transposed.
    dx = da @ cache["Wx"].T
    dh_prev = da @ cache["Wh"].T
    dWx = cache["x"].T @ da
    dWh = cache["h_prev"].T @ da
    db = da.sum(axis=0)
    return dx, dh_prev, dc_prev, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b, c0=None):
    """Run an LSTM over a whole batch of sequences.

    Inputs:
    - x: (N, T, D) input sequences, or (N, T) token ids in [0, D), each read as
      its one-hot vector: x_t @ Wx is then a row of Wx (see _inputs.py)
    - h0: (N, H) initial hidden state
    - Wx: (D, 4H), Wh: (H, 4H), b: (4H,) as in lstm_step_forward
    - c0: (N, H) initial cell state; None (default) starts from zeros. Pass the
      c_T of the previous chunk (see lstm_final_state) to carry the memory on.

    Returns:
    - h: (N, T, H) hidden state at every step
    - cache: dict, everything lstm_backward needs and the internals worth plotting:
        "i", "f", "o", "g": (N, T, H) gate values at every step
                            (views into "gates": (N, T, 4H), stacked i, f, o, g)
        "c", "h", "tanh_c": (N, T, H) cell state, hidden state and tanh(c) after every step
        "x", "h0", "c0", "Wx", "Wh": the inputs (c0 is zeros if None was passed)
      e.g. cache["f"][0, :, 3] is the forget gate of unit 3 over time, sample 0.

    The loop computes what lstm_step_forward computes, step by step (a test
    checks that they agree), written for speed: the arrays are time-major
    (T, N, ...), so each step reads and writes one contiguous block; every
    step writes into arrays allocated once, with out=.
    """
    if c0 is None:
        c0 = np.zeros_like(h0)  # start with an empty memory
    dims = check_inputs("lstm_forward", x, Wx, "D,4H", h0=(h0, "N,H"), c0=(c0, "N,H"))
    check_gate_weights("lstm_forward", dims, 4, Wx, Wh, b)
    check_finite("lstm_forward", x=x, h0=h0, c0=c0, Wx=Wx, Wh=Wh, b=b)
    N, T, H = dims["N"], dims["T"], dims["H"]
    dtype = float_dtype(x, h0, c0, Wx, Wh, b)
    # The inputs of all T steps at once, x_t @ Wx + b: the gate array, time-major (T, N, 4H).
    gates = project(x, Wx, b, dtype)
    c, h, tanh_c = (np.empty((T, N, H), dtype=dtype) for _ in range(3))
    hWh = np.empty((N, 4 * H), dtype=dtype)  # h_{t-1} @ Wh, reused every step
    g = np.empty((N, H), dtype=dtype)  # the candidate values, then i * g
    h_t, c_t = h0, c0
    with np.errstate(over="ignore"):  # exp(-a) may overflow to inf: sigmoid is then 0, as it should
        for t in range(T):
            a = gates[t]  # (N, 4H): x_t @ Wx + b, then the gate values
            np.matmul(h_t, Wh, out=hWh)
            a += hWh
            # The sigmoid runs over whole rows, g's block too, and g's tanh is put back after:
            # numpy is several times slower on an (N, H) block of each row than on whole rows.
            np.tanh(a[:, 3 * H:], out=g)
            _sigmoid_(a)
            a[:, 3 * H:] = g
            # c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
            np.multiply(a[:, H:2 * H], c_t, out=c[t])
            c[t] += np.multiply(a[:, :H], g, out=g)
            np.tanh(c[t], out=tanh_c[t])
            np.multiply(a[:, 2 * H:3 * H], tanh_c[t], out=h[t])
            h_t, c_t = h[t], c[t]
    # The caller sees batch-major (N, T, ...) views of the same arrays.
    gates, c, h, tanh_c = (a.transpose(1, 0, 2) for a in (gates, c, h, tanh_c))
    cache = dict(x=x, h0=h0, c0=c0, Wx=Wx, Wh=Wh, gates=gates, c=c, h=h, tanh_c=tanh_c)
    return h, _with_gate_views(cache)


def lstm_backward(dh, cache):
    """Backpropagation through time for lstm_forward.

    Inputs:
    - dh: (N, T, H) gradient of the loss with respect to every hidden state
      (zeros at steps where no loss is computed)
    - cache: from lstm_forward

    Returns:
    - dx: (N, T, D) (None if x held token ids), dh0: (N, H), dWx: (D, 4H),
      dWh: (H, 4H), db: (4H,)

    The same maths as lstm_step_backward, run from the last step to the
    first (a test checks that they agree). Every factor that does not depend
    on the incoming gradient is computed for all steps at once before the
    loop, so each step is a few products and one (N, 4H) @ (4H, H) product.
    """
    check_cache("lstm_backward", cache, "lstm_forward",
                keys=("x", "h0", "c0", "Wx", "Wh", "gates", "c", "h"))
    x, Wx, Wh, gates, c, h = (cache[k] for k in ("x", "Wx", "Wh", "gates", "c", "h"))
    dims = check_arrays("lstm_backward", h=(h, "N,T,H"), dh=(dh, "N,T,H"))
    check_finite("lstm_backward", dh=dh)
    N, T, H = dims["N"], dims["T"], dims["H"]
    # Time-major views (no copies when the cache comes from lstm_forward).
    gates, c, dh = (a.transpose(1, 0, 2) for a in (gates, c, dh))
    tanh_c = cache["tanh_c"].transpose(1, 0, 2) if "tanh_c" in cache else np.tanh(c)
    i, f, o, g = (gates[..., k * H:(k + 1) * H] for k in range(4))
    # da_t = [dc * g * i', dc * c_prev * f', dh * tanh_c * o', dc * i * g'] with s' = s (1 - s)
    # for the sigmoids and g' = 1 - g**2; the factors beside dc and dh go into da now.
    # s (1 - s) is taken over whole rows at once, the g block too (it is overwritten after),
    # because numpy is several times slower on an (N, H) block of each row than on whole rows.
    da = np.empty((T, N, 4 * H), dtype=gates.dtype)
    np.subtract(1.0, gates, out=da)
    da *= gates  # s (1 - s): i', f', o'
    da[..., :H] *= g
    da[:1, :, H:2 * H] *= cache["c0"]  # c_{t-1} is c0 at the first step, then c:
    da[1:, :, H:2 * H] *= c[:-1]        # two parts, no shifted copy of c
    da[..., 2 * H:3 * H] *= tanh_c
    g_prime = da[..., 3 * H:]
    np.multiply(g, g, out=g_prime)
    np.subtract(1.0, g_prime, out=g_prime)  # 1 - g**2
    g_prime *= i
    dc_from_h = np.multiply(tanh_c, tanh_c)  # (T, N, H): dc_t gets dh_t * o (1 - tanh_c**2)
    np.subtract(1.0, dc_from_h, out=dc_from_h)
    dc_from_h *= o
    dh_next = np.zeros_like(cache["h0"])  # gradients flowing back from step t+1
    dc = np.zeros_like(cache["c0"])
    WhT = np.ascontiguousarray(Wh.T)  # (4H, H)
    # The gradients each gate block is multiplied by at one step: [dc, dc, dh, dc], (N, 4, H).
    # Filled by copies and applied in one product over whole rows: three to four times faster
    # than four products on (N, H) blocks, for the reason above.
    by_gate = np.empty((N, 4, H), dtype=da.dtype)
    for t in reversed(range(T)):
        dh_t = dh[t] + dh_next  # (N, H): from the loss at t and from step t+1
        dc += dh_t * dc_from_h[t]  # dc_t: from c_{t+1} and through h_t
        by_gate[:] = dc[:, None, :]
        by_gate[:, 2] = dh_t
        a = da[t]
        a *= by_gate.reshape(N, 4 * H)
        dc *= f[t]  # dc_{t-1}: the cell path, through the forget gate only
        dh_next = a @ WhT
    # Every weight gradient is a sum over steps: do each sum as one product.
    dx, dWx = input_grads(x, Wx, da)
    # h_{t-1} is h0 at the first step, then h: two products, no shifted copy of h.
    M = max(T - 1, 0) * N  # rows of the steps after the first
    dWh = h.transpose(1, 0, 2)[:-1].reshape(M, H).T @ da[1:].reshape(M, 4 * H)
    if T:
        dWh += cache["h0"].T @ da[0]
    db = da.reshape(T * N, 4 * H).sum(axis=0)
    return dx, dh_next, dWx, dWh, db


def lstm_final_state(cache):
    """The last hidden and cell states, to start the next chunk of a sequence.

    Inputs:
    - cache: from lstm_forward

    Returns:
    - h_T: (N, H), c_T: (N, H) copies of the states after the last step
      (h0 and c0 if the sequence had no steps). Continue with
      lstm_forward(x_next, h_T, Wx, Wh, b, c0=c_T).
    """
    check_cache("lstm_final_state", cache, "lstm_forward", keys=("h0", "c0", "h", "c"))
    dims = check_arrays("lstm_final_state", h=(cache["h"], "N,T,H"), c=(cache["c"], "N,T,H"))
    if dims["T"] == 0:
        return cache["h0"].copy(), cache["c0"].copy()
    return cache["h"][:, -1].copy(), cache["c"][:, -1].copy()
