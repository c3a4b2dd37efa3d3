"""Realistic slips in Assignment 4 (a VAE and a GAN in PyTorch), written from the SPEC and the reference, to
measure the graders on bugs that are not in autograder/a4_vae_gan/variants.py (bench/prove_slips.py a4_vae_gan).
Each entry replaces one definition of the concatenated reference solution with the way a student might have
written it, with exactly one mistake: (overrides, words a good message would use, what the slip is). Right
but unusual forms go in variants.py's CORRECT instead.

Caveat: written by the graders' author (not independent, unlike bench/a1_slips.py and a2_slips.py); a
reader who has not seen the graders should add to it."""
SLIPS = {
    # ------------------------------------------------------------------ reparameterisation, KL, NLL
    "reparam_std_from_softplus": (
        {"reparameterize": '''
def reparameterize(mu, logvar, eps):
    return mu + F.softplus(logvar) * eps
'''},
        ("σ", "exp(½·logvar)", "logvar"),
        "σ taken as softplus(logvar), a common 'positive std' head, where the SPEC's logvar = log σ²",
    ),
    "kl_sum_over_batch_dim": (
        {"gaussian_kl": '''
def gaussian_kl(mu, logvar):
    return 0.5 * torch.sum(torch.exp(logvar) + mu ** 2 - 1.0 - logvar, dim=0)
'''},
        ("shape", "(n,)", "per sample"),
        "the KL summed over dim 0 (the batch) instead of the latent dimension",
    ),
    "kl_monte_carlo": (
        {"gaussian_kl": '''
def gaussian_kl(mu, logvar):
    std = torch.exp(0.5 * logvar)
    z = mu + std  # one "sample" at ε = 1
    log_q = -0.5 * (((z - mu) / std) ** 2 + logvar + math.log(2 * math.pi))
    log_p = -0.5 * (z ** 2 + math.log(2 * math.pi))
    return (log_q - log_p).sum(dim=1)
'''},
        ("closed form", "kl"),
        "a one-sample Monte-Carlo KL instead of the closed form",
    ),
    "nll_reduction_sum": (
        {"bernoulli_nll": '''
def bernoulli_nll(x, logits):
    return F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
'''},
        ("shape", "per sample", "(n,)"),
        "reduction='sum' sums over the batch too: one number, not one per sample",
    ),
    "nll_arguments_swapped": (
        {"bernoulli_nll": '''
def bernoulli_nll(x, logits):
    return F.binary_cross_entropy_with_logits(x, logits, reduction="none").flatten(1).sum(1)
'''},
        ("bernoulli_nll",),
        "F.binary_cross_entropy_with_logits(input=x, target=logits): the arguments swapped",
    ),
    "nll_bernoulli_samples": (
        {"bernoulli_nll": '''
def bernoulli_nll(x, logits):
    target = (x > 0.5).to(x.dtype)  # binarise the pixels first
    return (F.softplus(logits) - target * logits).flatten(1).sum(1)
'''},
        ("grey", "[0, 1]", "bernoulli_nll"),
        "the targets binarised at 0.5: grey targets are allowed (SPEC)",
    ),
    # ------------------------------------------------------------------ ELBO, VAE, step
    "elbo_kl_weighted_by_latent": (
        {"negative_elbo": '''
def negative_elbo(x, encoder, decoder, eps):
    mu, logvar = encoder(x)
    z = reparameterize(mu, logvar, eps)
    rec = bernoulli_nll(x, decoder(z))
    kl = gaussian_kl(mu, logvar)
    return (rec + kl / mu.shape[1]).mean(), rec, kl
'''},
        ("kl", "loss"),
        "the KL divided by the latent size inside the loss only (β = 1/Z), rec and kl returned right",
    ),
    "vae_leaky_relu": (
        {"VAE.__init__": '''
def __init__(self, x_dim, h_dim, z_dim):
    super().__init__()
    self.z_dim = z_dim
    self.encoder = nn.Sequential(nn.Linear(x_dim, h_dim), nn.LeakyReLU(), nn.Linear(h_dim, 2 * z_dim))
    self.decoder = nn.Sequential(nn.Linear(z_dim, h_dim), nn.LeakyReLU(), nn.Linear(h_dim, x_dim))
'''},
        ("encode", "decode", "vae"),
        "LeakyReLU where the SPEC says ReLU",
    ),
    "step_two_steps": (
        {"vae_train_step": '''
def vae_train_step(model, optimizer, x, eps):
    optimizer.zero_grad()
    loss = model(x, eps)[0]
    loss.backward()
    optimizer.step()
    optimizer.step()
    return loss.item()
'''},
        ("step",),
        "optimizer.step() twice",
    ),
    "sample_images_bernoulli_draw": (
        {"sample_images": '''
def sample_images(model, z):
    with torch.no_grad():
        return torch.bernoulli(torch.sigmoid(model.decode(z)))
'''},
        ("probabilit", "sample_images"),
        "sample_images draws binary images instead of returning the probabilities",
    ),
    # ------------------------------------------------------------------ GAN
    "d_loss_same_size_only": (
        {"d_loss": '''
def d_loss(real_logits, fake_logits):
    return torch.mean(F.softplus(-real_logits) + F.softplus(fake_logits))
'''},
        ("size", "d_loss", "batch"),
        "one mean over the element-wise sum: breaks when the two batches differ in size",
    ),
    "g_minimax_as_negated_d_term": (
        {"g_loss_minimax": '''
def g_loss_minimax(fake_logits):
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
'''},
        ("minimax", "log(1 − σ", "label"),
        "minimax written as −BCE(fake, 1) (= mean log σ(ℓ)) instead of −BCE(fake, 0)",
    ),
    "noise_randn_like_global": (
        {"sample_noise": '''
def sample_noise(n, z_dim, generator):
    torch.manual_seed(generator.initial_seed())
    return torch.randn(n, z_dim, dtype=torch.float64)
'''},
        ("global", "generator"),
        "reseeds torch's global RNG from the generator's seed",
    ),
    "gan_step_d_on_z_g": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    fake = G(z_g)
    opt_D.zero_grad()
    loss_d = d_loss(D(x_real), D(fake.detach()))
    loss_d.backward()
    opt_D.step()
    opt_G.zero_grad()
    loss_g = g_loss_nonsaturating(D(fake))
    loss_g.backward()
    opt_G.step()
    return loss_d.item(), loss_g.item()
'''},
        ("z_d", "z_g", "noise"),
        "both steps on G(z_g): the D step ignores z_d",
    ),
    "gan_step_g_loss_before_d_update": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    opt_D.zero_grad()
    opt_G.zero_grad()
    loss_d = d_loss(D(x_real), D(G(z_d).detach()))
    loss_d.backward()
    loss_g = g_loss_nonsaturating(D(G(z_g)))
    opt_D.step()
    loss_g.backward()
    opt_G.step()
    return loss_d.item(), loss_g.item()
'''},
        ("updated d", "old d", "before"),
        "the G loss computed before opt_D.step() (with the old D); its backward then uses the stepped weights",
    ),
}
