"""rnn_helpers: the numpy code behind "Recurrent Neural Networks and Language Models, from scratch".

Every module is written to be read: rnn.py, lstm.py and gru.py hold the
recurrent layers, layers.py the others, and gradcheck.py the tool that keeps
all their backward passes honest.

Bad input stops at the call, with a ValueError that names the argument, what
was expected and what was received. Shapes, dtypes and settings are checked
on every call. NaN and inf are looked for where arrays enter: each public
function checks what it is handed, once per call and never inside a time
loop, so the checks cost under 2% of training time (6% for the tiniest RNNs);
_checks.py explains where each check goes. fit and train_lm check the data
and the weights once per run; a NaN or inf that training makes after that
is divergence, not bad input, and stops with TrainingDiverged and advice.
"""
__version__ = "0.1.0"
