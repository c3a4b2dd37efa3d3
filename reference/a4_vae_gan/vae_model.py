"""The VAE as a module, one training step, and sampling."""
import torch
import torch.nn as nn

from .vae import negative_elbo


class VAE(nn.Module):
    """A VAE for flat inputs x of shape (N, x_dim) with values in [0, 1].

    encoder = nn.Sequential(nn.Linear(x_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, 2 * z_dim))
    decoder = nn.Sequential(nn.Linear(z_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, x_dim))
    Build them in this order: parameters() is then [encoder W1, b1, W2, b2, decoder W1, b1, W2, b2]."""

    def __init__(self, x_dim, h_dim, z_dim):
        """The two networks above (call super().__init__() first); keep z_dim for encode."""
        super().__init__()
        self.z_dim = z_dim
        self.encoder = nn.Sequential(nn.Linear(x_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, 2 * z_dim))
        self.decoder = nn.Sequential(nn.Linear(z_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, x_dim))

    def encode(self, x):
        """(mu, logvar), each (N, z_dim): the encoder's output split in two, mu = its FIRST z_dim columns."""
        out = self.encoder(x)
        return out[:, :self.z_dim], out[:, self.z_dim:]

    def decode(self, z):
        """The decoder's LOGITS (N, x_dim): no sigmoid here (bernoulli_nll takes logits)."""
        return self.decoder(z)

    def forward(self, x, eps):
        """negative_elbo(x, self.encode, self.decode, eps): (loss, rec, kl)."""
        return negative_elbo(x, self.encode, self.decode, eps)


def vae_train_step(model, optimizer, x, eps):
    """One optimisation step on the batch x with noise eps: zero the gradients, compute the loss
    model(x, eps)[0], backpropagate, step. Returns the loss (before the step) as a Python float."""
    optimizer.zero_grad()
    loss, _, _ = model(x, eps)
    loss.backward()
    optimizer.step()
    return loss.item()


def sample_images(model, z):
    """Pixel probabilities sigmoid(model.decode(z)), shape (N, x_dim), values in [0, 1], computed
    without building a graph (torch.no_grad()): the result does not require grad."""
    with torch.no_grad():
        return torch.sigmoid(model.decode(z))
