"""The VAE's pieces: the reparameterisation trick, the Gaussian KL, the Bernoulli NLL and the negative ELBO."""
import torch
import torch.nn.functional as F


def reparameterize(mu, logvar, eps):
    """z = μ + σ ⊙ ε with σ = exp(½·logvar), where logvar = log σ² (the log-VARIANCE).

    mu, logvar, eps: tensors of the same shape (N, Z); eps ~ N(0, I) is GIVEN: never draw noise here.
    Gradients flow to mu (∂z/∂μ = 1) and to logvar (∂z/∂logvar = ½·σ·ε). Returns z, same shape and dtype."""
    return mu + torch.exp(0.5 * logvar) * eps


def gaussian_kl(mu, logvar):
    """KL(N(μ, diag σ²) ‖ N(0, I)) per sample, in closed form:

        KL_n = ½ Σ_j (σ²_nj + μ²_nj − 1 − log σ²_nj),   σ² = exp(logvar).

    mu, logvar: (N, Z). Returns shape (N,): a SUM over the latent dimensions, one value per sample."""
    return 0.5 * torch.sum(torch.exp(logvar) + mu ** 2 - 1.0 - logvar, dim=1)


def bernoulli_nll(x, logits):
    """−log p(x | logits) of independent Bernoulli pixels with p = sigmoid(logits), per sample:

        NLL_n = Σ_pixels [softplus(ℓ) − x·ℓ]  (= BCE-with-logits, summed),   softplus(ℓ) = log(1 + e^ℓ).

    x (targets in [0, 1]) and logits have the same shape (N, ...); the sum runs over EVERY non-batch
    dimension, so the result has shape (N,). Stable: finite and exact for logits of ±1000 (never
    sigmoid then log)."""
    per_pixel = F.softplus(logits) - x * logits
    return per_pixel.flatten(start_dim=1).sum(dim=1)


def negative_elbo(x, encoder, decoder, eps):
    """The VAE's loss for a batch x (N, ...), with the given encoder, decoder and noise eps (N, Z):

        mu, logvar = encoder(x);  z = reparameterize(mu, logvar, eps);  logits = decoder(z)
        rec = bernoulli_nll(x, logits)  (N,);   kl = gaussian_kl(mu, logvar)  (N,)
        loss = mean over the batch of (rec + kl)   (a 0-d tensor you can call .backward() on)

    Returns (loss, rec, kl)."""
    mu, logvar = encoder(x)
    z = reparameterize(mu, logvar, eps)
    logits = decoder(z)
    rec = bernoulli_nll(x, logits)
    kl = gaussian_kl(mu, logvar)
    return (rec + kl).mean(), rec, kl
