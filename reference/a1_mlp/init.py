"""Weight initialisers; every one returns an (n_out, n_in) array with zero mean."""
import numpy as np


def normal_init(n_in, n_out, rng):
    """W ~ N(0, 1/n_in)."""
    rng = np.random.default_rng(rng)
    return rng.normal(0.0, np.sqrt(1 / n_in), size=(n_out, n_in))


def xavier_normal(n_in, n_out, rng):
    """Glorot: W ~ N(0, 2/(n_in + n_out))."""
    rng = np.random.default_rng(rng)
    return rng.normal(0.0, np.sqrt(2 / (n_in + n_out)), size=(n_out, n_in))


def xavier_uniform(n_in, n_out, rng):
    """Glorot: W ~ U(−a, a), a = √(6/(n_in + n_out)), so Var = a²/3 = 2/(n_in + n_out)."""
    rng = np.random.default_rng(rng)
    a = np.sqrt(6 / (n_in + n_out))
    return rng.uniform(-a, a, size=(n_out, n_in))


def kaiming_normal(n_in, n_out, rng, gain=2.0):
    """He: W ~ N(0, gain/n_in); gain = 2 keeps the variance through ReLU layers."""
    rng = np.random.default_rng(rng)
    return rng.normal(0.0, np.sqrt(gain / n_in), size=(n_out, n_in))
