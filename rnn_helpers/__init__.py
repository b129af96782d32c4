"""rnn_helpers: the numpy code behind "Recurrent Neural Networks and Language Models, from scratch".

Every module is written to be read: rnn.py, lstm.py and gru.py hold the
recurrent layers, layers.py the others, and gradcheck.py the tool that keeps
all their backward passes honest.

Bad input stops at the call, with a ValueError that names the argument, what
was expected and what was received. Shapes, dtypes and settings are checked
on every call. NaN and inf are looked for where arrays enter: each public
function checks what it is handed, once per call and never inside a time
loop. fit and train_lm check the data and the weights once per run; a NaN or
inf that training makes after that is divergence, not bad input: it shows in
the loss or the gradient norm, so the layers skip their NaN checks inside an
update, and training stops with TrainingDiverged and advice. The checks cost
about 1% of training time (3-5% for the tiniest RNNs); _checks.py explains
where each check goes.
"""
__version__ = "0.1.0"
