"""Batch normalisation and layer normalisation with learnable γ, β."""
import numpy as np


class BatchNorm1d:
    """y = γ·x̂ + β, x̂ = (x − μ)/√(σ² + ε), statistics per feature over the batch axis (x: (N, D))."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        """γ = 1, β = 0, running mean 0, running variance 1."""
        self.eps, self.momentum = eps, momentum
        self.gamma = np.ones(num_features)
        self.beta = np.zeros(num_features)
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self.dgamma = np.zeros(num_features)
        self.dbeta = np.zeros(num_features)

    def forward(self, x, training=True):
        """Training: μ, σ² = batch mean and biased variance; r ← (1−m)·r + m·stat with the unbiased
        variance σ²·N/(N−1). Evaluation: μ, σ² = running mean, running variance."""
        if not training:
            return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var + self.eps) + self.beta
        n = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu
        self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var * n / (n - 1)
        self.inv_std = 1 / np.sqrt(var + self.eps)
        self.x_hat = (x - mu) * self.inv_std
        return self.gamma * self.x_hat + self.beta

    def backward(self, grad_out):
        """With g = dL/dy: dγ = Σₙ g·x̂, dβ = Σₙ g, and with ĝ = γ·g:
        dL/dx = (1/√(σ²+ε))·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), means over the batch."""
        self.dgamma = (grad_out * self.x_hat).sum(axis=0)
        self.dbeta = grad_out.sum(axis=0)
        g = grad_out * self.gamma
        return self.inv_std * (g - g.mean(axis=0) - self.x_hat * (g * self.x_hat).mean(axis=0))


class LayerNorm:
    """y = γ·x̂ + β, x̂ = (x − μ)/√(σ² + ε), μ and biased σ² over the last axis of each sample."""

    def __init__(self, num_features, eps=1e-5):
        """γ = 1, β = 0 of shape (num_features,)."""
        self.eps = eps
        self.gamma = np.ones(num_features)
        self.beta = np.zeros(num_features)
        self.dgamma = np.zeros(num_features)
        self.dbeta = np.zeros(num_features)

    def forward(self, x):
        """y = γ·(x − μ)/√(σ² + ε) + β, statistics per sample over the last axis."""
        mu, var = x.mean(axis=-1, keepdims=True), x.var(axis=-1, keepdims=True)
        self.inv_std = 1 / np.sqrt(var + self.eps)
        self.x_hat = (x - mu) * self.inv_std
        return self.gamma * self.x_hat + self.beta

    def backward(self, grad_out):
        """dγ = Σ g·x̂, dβ = Σ g (summed over all but the last axis), and with ĝ = γ·g:
        dL/dx = (1/√(σ²+ε))·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), means over the last axis."""
        d = self.gamma.shape[0]
        self.dgamma = (grad_out * self.x_hat).reshape(-1, d).sum(axis=0)
        self.dbeta = grad_out.reshape(-1, d).sum(axis=0)
        g = grad_out * self.gamma
        return self.inv_std * (g - g.mean(axis=-1, keepdims=True)
                               - self.x_hat * (g * self.x_hat).mean(axis=-1, keepdims=True))
