"""The question bank: one module per topic; importing this package registers every template."""
from . import activations, attention, backprop, cnn, generative, init, init_norm, losses, optim, rnn  # noqa: F401
