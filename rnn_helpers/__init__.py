"""rnn_helpers: the numpy code behind "Recurrent Neural Networks and Language Models, from scratch".

Every module is written to be read: rnn.py, lstm.py and gru.py hold the
recurrent layers, layers.py the others, and gradcheck.py the tool that keeps
all their backward passes honest.
"""
__version__ = "0.1.0"
