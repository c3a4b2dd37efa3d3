"""Learning-rate schedules lr(t); t = epoch or step index starting at 0."""
import numpy as np


def step_lr(t, lr0, step_size=30, gamma=0.1):
    """lr = lr0·γ^⌊t/step_size⌋ (×γ every step_size epochs)."""
    return lr0 * gamma ** (t // step_size)


def exponential_lr(t, lr0, gamma):
    """lr = lr0·γᵗ."""
    return lr0 * gamma ** t


def cosine_lr(t, lr0, T):
    """lr = ½·lr0·(1 + cos(πt/T)), from lr0 at t = 0 to 0 at t = T."""
    return 0.5 * lr0 * (1 + np.cos(np.pi * t / T))


def linear_lr(t, lr0, T):
    """lr = lr0·(1 − t/T)."""
    return lr0 * (1 - t / T)


def inverse_sqrt_lr(t, lr0):
    """lr = lr0/√max(t, 1) (t = 0 treated as 1 to avoid 1/0)."""
    return lr0 / np.sqrt(np.maximum(t, 1))


def linear_warmup(t, lr0, warmup):
    """lr = lr0·min(1, (t+1)/warmup): ramps up over the first `warmup` steps, then stays at lr0."""
    return lr0 * np.minimum(1, (t + 1) / warmup)
