"""GAN losses on logits, noise from a given generator, and one training step."""
import torch
import torch.nn.functional as F


def d_loss(real_logits, fake_logits):
    """The discriminator's loss, BCE on logits with labels real = 1, fake = 0, as a SUM of two means:

        mean_i softplus(−ℓ_real_i) + mean_j softplus(ℓ_fake_j)
        (= −mean log σ(ℓ_real) − mean log(1 − σ(ℓ_fake))).

    real_logits (N_real,), fake_logits (N_fake,): the batches may differ in size. Stable at ±1000."""
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def g_loss_nonsaturating(fake_logits):
    """The non-saturating generator loss: BCE of the fakes against label 1,
    −mean log σ(ℓ) = mean softplus(−ℓ). Stable at ±1000."""
    return F.softplus(-fake_logits).mean()


def g_loss_minimax(fake_logits):
    """The minimax (saturating) generator loss the generator MINIMISES: mean log(1 − σ(ℓ)) = −mean softplus(ℓ).
    Stable at ±1000 (never log of 1 − sigmoid)."""
    return -F.softplus(fake_logits).mean()


def sample_noise(n, z_dim, generator):
    """A float64 tensor (n, z_dim) of standard normal draws, taken from the given torch.Generator only
    (never from torch's global random state)."""
    return torch.randn(n, z_dim, generator=generator, dtype=torch.float64)


def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    """One discriminator step, then one generator step; returns (d_loss, g_loss) as Python floats.

    1. D step: d_loss(D(x_real), D(G(z_d))), with G(z_d) detached, backward, opt_D.step(): G does not change.
    2. G step: g_loss_nonsaturating(D(G(z_g))) with the UPDATED D, backward, opt_G.step(): D does not change.
    Zero the gradients of the network you update before each backward: on entry .grad may hold anything."""
    opt_D.zero_grad()
    fake = G(z_d).detach()
    loss_d = d_loss(D(x_real), D(fake))
    loss_d.backward()
    opt_D.step()

    opt_G.zero_grad()
    loss_g = g_loss_nonsaturating(D(G(z_g)))
    loss_g.backward()
    opt_G.step()
    return loss_d.item(), loss_g.item()
