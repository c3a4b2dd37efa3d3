"""Realistic one-mistake slips in Assignment 4 (a VAE and a GAN in PyTorch), written from the SPEC, the template
and the reference only (never from the hidden graders nor from bench/a4_vae_gan_slips.py), to measure the graders
on bugs they were not written against (bench/prove_slips.py). Each entry replaces one definition of the
concatenated reference solution (a top-level function, a class, or a method such as "VAE.encode") with the way a
student might have written it, with exactly one mistake; `keywords` are lowercase words or phrases of which a
good failure message naming the slip would contain at least one; `why` says what is wrong, in one sentence."""
SLIPS = {
    # ------------------------------------------------------------------ reparameterisation
    "reparam_sigma_is_exp_logvar": (
        {"reparameterize": '''
def reparameterize(mu, logvar, eps):
    sigma = torch.exp(logvar)
    return mu + sigma * eps
'''},
        ("½", "0.5", "half", "σ", "sigma", "std", "log-variance", "log σ²", "variance", "exp(½"),
        "uses exp(logvar), the variance, as σ (the log σ convention), so z is spread by σ² instead of σ",
    ),
    "reparam_draws_own_noise": (
        {"reparameterize": '''
def reparameterize(mu, logvar, eps):
    std = torch.exp(0.5 * logvar)
    eps = torch.randn_like(std)
    return mu + std * eps
'''},
        ("eps", "ε", "given", "noise", "random", "global", "own", "generator", "determin", "reproducib"),
        "copies the PyTorch example and draws eps with torch.randn_like, ignoring the eps the graders pass",
    ),
    "reparam_inplace_on_eps": (
        {"reparameterize": '''
def reparameterize(mu, logvar, eps):
    std = logvar.mul(0.5).exp()
    return eps.mul_(std).add_(mu)
'''},
        ("in place", "in-place", "inplace", "modif", "eps", "input", "mutat", "overwrit"),
        "the old-PyTorch-example idiom eps.mul_(std).add_(mu) overwrites the caller's eps tensor in place",
    ),
    "reparam_std_from_data": (
        {"reparameterize": '''
def reparameterize(mu, logvar, eps):
    std = torch.exp(0.5 * logvar.data)
    return mu + std * eps
'''},
        ("gradient", "grad", "logvar", "detach", ".data", "graph", "½·σ·ε", "σ·ε", "backprop"),
        "computes σ from logvar.data, so no gradient reaches logvar (∂z/∂logvar should be ½·σ·ε)",
    ),
    # ------------------------------------------------------------------ Gaussian KL
    "kl_sign_flipped": (
        {"gaussian_kl": '''
def gaussian_kl(mu, logvar):
    return 0.5 * torch.sum(1 + logvar - mu ** 2 - torch.exp(logvar), dim=1)
'''},
        ("sign", "negative", "≥ 0", ">= 0", "non-negative", "nonnegative", "minus", "−½"),
        "writes Kingma's −½Σ(1 + logvar − μ² − σ²) without the leading minus, so the KL is ≤ 0",
    ),
    "kl_missing_half": (
        {"gaussian_kl": '''
def gaussian_kl(mu, logvar):
    return torch.sum(torch.exp(logvar) + mu ** 2 - 1.0 - logvar, dim=1)
'''},
        ("½", "0.5", "half", "factor", "twice", "2×", "double"),
        "drops the ½ in front of the sum, so the KL (and its gradient) is twice too large",
    ),
    "kl_mean_over_latent": (
        {"gaussian_kl": '''
def gaussian_kl(mu, logvar):
    return 0.5 * torch.mean(torch.exp(logvar) + mu ** 2 - 1.0 - logvar, dim=1)
'''},
        ("sum", "mean", "latent", "dimension", "average", "z_dim", "per sample"),
        "averages over the latent dimensions instead of summing, so the KL is Z times too small",
    ),
    "kl_summed_over_dim0": (
        {"gaussian_kl": '''
def gaussian_kl(mu, logvar):
    return 0.5 * torch.sum(torch.exp(logvar) + mu ** 2 - 1.0 - logvar, dim=0)
'''},
        ("shape", "(n,)", "dim", "axis", "batch", "per sample", "latent", "sum over"),
        "sums over dim=0 (the batch) instead of the latent dimensions, giving shape (Z,) instead of (N,)",
    ),
    "kl_logsigma_parameterisation": (
        {"gaussian_kl": '''
def gaussian_kl(mu, logvar):
    var = torch.exp(2 * logvar)
    return 0.5 * torch.sum(var + mu ** 2 - 1.0 - 2 * logvar, dim=1)
'''},
        ("log-variance", "log σ²", "log σ", "logvar", "variance", "σ²", "parameteri", "2·logvar", "exp(2"),
        "treats logvar as log σ (σ² = exp(2·logvar)), the other courses' convention, not log σ²",
    ),
    "kl_missing_minus_one": (
        {"gaussian_kl": '''
def gaussian_kl(mu, logvar):
    return 0.5 * torch.sum(torch.exp(logvar) + mu ** 2 - logvar, dim=1)
'''},
        ("− 1", "-1", "- 1", "constant", "offset", "0 at", "zero at", "μ = 0", "mu = 0", "value", "z/2"),
        "forgets the −1 inside the sum: same gradient, but the KL is Z/2 too large (not 0 at μ = 0, σ = 1)",
    ),
    "kl_float32_accumulator": (
        {"gaussian_kl": '''
def gaussian_kl(mu, logvar):
    kl = torch.zeros(mu.shape[0])
    for j in range(mu.shape[1]):
        kl += 0.5 * (torch.exp(logvar[:, j]) + mu[:, j] ** 2 - 1.0 - logvar[:, j])
    return kl
'''},
        ("float64", "float32", "dtype", "precision", "double"),
        "accumulates into torch.zeros(N) without dtype=, so the in-place += keeps the KL in float32",
    ),
    # ------------------------------------------------------------------ Bernoulli NLL
    "nll_log_of_sigmoid": (
        {"bernoulli_nll": '''
def bernoulli_nll(x, logits):
    p = torch.sigmoid(logits)
    per_pixel = -(x * torch.log(p) + (1 - x) * torch.log(1 - p))
    return per_pixel.flatten(start_dim=1).sum(dim=1)
'''},
        ("stable", "±1000", "1000", "inf", "nan", "finite", "log(sigmoid", "softplus", "overflow"),
        "takes log of sigmoid(ℓ) and of 1 − sigmoid(ℓ), which is −inf (NaN) at logits of ±1000",
    ),
    "nll_bce_on_probabilities": (
        {"bernoulli_nll": '''
def bernoulli_nll(x, logits):
    per_pixel = F.binary_cross_entropy(torch.sigmoid(logits), x, reduction="none")
    return per_pixel.flatten(start_dim=1).sum(dim=1)
'''},
        ("stable", "±1000", "1000", "clamp", "-100", "−100", "logits", "binary_cross_entropy", "with_logits"),
        "uses F.binary_cross_entropy on sigmoid(ℓ), which clamps the log at −100, so a pixel at ±1000 costs 100",
    ),
    "nll_mean_over_pixels": (
        {"bernoulli_nll": '''
def bernoulli_nll(x, logits):
    per_pixel = F.softplus(logits) - x * logits
    return per_pixel.flatten(start_dim=1).mean(dim=1)
'''},
        ("sum", "mean", "pixel", "average", "d·ln 2", "ln 2 per pixel", "per sample"),
        "averages over the pixels instead of summing (F.binary_cross_entropy_with_logits' default habit)",
    ),
    "nll_sum_dim1_only": (
        {"bernoulli_nll": '''
def bernoulli_nll(x, logits):
    per_pixel = F.softplus(logits) - x * logits
    return per_pixel.sum(dim=1)
'''},
        ("shape", "(n,)", "image", "(n, c, h, w)", "every non-batch", "non-batch", "flatten", "dimension"),
        "sums over dim 1 only: right for (N, D) but returns (N, H, W) for image batches (N, C, H, W)",
    ),
    "nll_sign_flipped": (
        {"bernoulli_nll": '''
def bernoulli_nll(x, logits):
    per_pixel = x * logits - F.softplus(logits)
    return per_pixel.flatten(start_dim=1).sum(dim=1)
'''},
        ("sign", "negative", "log-likelihood", "nll", "minus", "≥ 0", "positive"),
        "returns the log-likelihood x·ℓ − softplus(ℓ) instead of its negative",
    ),
    "nll_double_sigmoid": (
        {"bernoulli_nll": '''
def bernoulli_nll(x, logits):
    per_pixel = F.binary_cross_entropy_with_logits(torch.sigmoid(logits), x, reduction="none")
    return per_pixel.flatten(start_dim=1).sum(dim=1)
'''},
        ("sigmoid", "logits", "probabilit", "twice", "double"),
        "passes sigmoid(ℓ) to binary_cross_entropy_with_logits, which applies the sigmoid a second time",
    ),
    "nll_log1m_sigma_as_logsigmoid_1m": (
        {"bernoulli_nll": '''
def bernoulli_nll(x, logits):
    per_pixel = -(x * F.logsigmoid(logits) + (1 - x) * F.logsigmoid(1 - logits))
    return per_pixel.flatten(start_dim=1).sum(dim=1)
'''},
        ("log(1 − σ", "log(1 - σ", "1 − σ", "logsigmoid(-", "logsigmoid(−", "softplus", "ln 2", "value", "formula"),
        "writes log(1 − σ(ℓ)) as logsigmoid(1 − ℓ) instead of logsigmoid(−ℓ)",
    ),
    "nll_targets_cast_float": (
        {"bernoulli_nll": '''
def bernoulli_nll(x, logits):
    per_pixel = F.binary_cross_entropy_with_logits(logits, x.float(), reduction="none")
    return per_pixel.flatten(start_dim=1).sum(dim=1)
'''},
        ("float64", "float32", "dtype", "precision", "double", ".float()"),
        "casts the targets with x.float() 'to be safe', which makes the NLL float32 for float64 inputs",
    ),
    # ------------------------------------------------------------------ negative ELBO
    "elbo_decodes_mu": (
        {"negative_elbo": '''
def negative_elbo(x, encoder, decoder, eps):
    mu, logvar = encoder(x)
    z = reparameterize(mu, logvar, eps)
    logits = decoder(mu)
    rec = bernoulli_nll(x, logits)
    kl = gaussian_kl(mu, logvar)
    return (rec + kl).mean(), rec, kl
'''},
        ("z", "mu", "μ", "reparameter", "sample", "eps", "decoder", "logvar"),
        "decodes mu instead of the sample z, so eps has no effect and the reconstruction gets no gradient through σ",
    ),
    "elbo_sum_over_batch": (
        {"negative_elbo": '''
def negative_elbo(x, encoder, decoder, eps):
    mu, logvar = encoder(x)
    z = reparameterize(mu, logvar, eps)
    logits = decoder(z)
    rec = bernoulli_nll(x, logits)
    kl = gaussian_kl(mu, logvar)
    return (rec + kl).sum(), rec, kl
'''},
        ("mean", "sum", "batch", "average", "n times", "scale"),
        "sums the per-sample losses over the batch instead of averaging, so the loss is N times too large",
    ),
    "elbo_kl_subtracted": (
        {"negative_elbo": '''
def negative_elbo(x, encoder, decoder, eps):
    mu, logvar = encoder(x)
    z = reparameterize(mu, logvar, eps)
    logits = decoder(z)
    rec = bernoulli_nll(x, logits)
    kl = gaussian_kl(mu, logvar)
    return (rec - kl).mean(), rec, kl
'''},
        ("sign", "kl", "rec + kl", "plus", "minus", "negative elbo", "−elbo"),
        "negates only the likelihood term of the ELBO: loss = mean(rec − kl) instead of mean(rec + kl)",
    ),
    "elbo_mu_logvar_swapped": (
        {"negative_elbo": '''
def negative_elbo(x, encoder, decoder, eps):
    logvar, mu = encoder(x)
    z = reparameterize(mu, logvar, eps)
    logits = decoder(z)
    rec = bernoulli_nll(x, logits)
    kl = gaussian_kl(mu, logvar)
    return (rec + kl).mean(), rec, kl
'''},
        ("order", "swap", "mu", "logvar", "(mu, logvar)", "encoder"),
        "unpacks the encoder's (mu, logvar) as (logvar, mu)",
    ),
    # ------------------------------------------------------------------ the VAE module
    "vae_encode_halves_swapped": (
        {"VAE.encode": '''
def encode(self, x):
    out = self.encoder(x)
    logvar, mu = out.chunk(2, dim=1)
    return mu, logvar
'''},
        ("first", "columns", "mu", "logvar", "order", "split", "swap", "encode"),
        "takes logvar from the first z_dim columns and mu from the last, the reverse of the SPEC",
    ),
    "vae_decode_sigmoid": (
        {"VAE.decode": '''
def decode(self, z):
    return torch.sigmoid(self.decoder(z))
'''},
        ("logits", "sigmoid", "probabilit", "decode", "no sigmoid"),
        "decode returns probabilities sigmoid(logits), which then go into a loss that expects logits",
    ),
    "vae_decoder_built_first": (
        {"VAE.__init__": '''
def __init__(self, x_dim, h_dim, z_dim):
    super().__init__()
    self.z_dim = z_dim
    self.decoder = nn.Sequential(nn.Linear(z_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, x_dim))
    self.encoder = nn.Sequential(nn.Linear(x_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, 2 * z_dim))
'''},
        ("order", "parameters", "encoder first", "shape", "built", "registration"),
        "builds the decoder before the encoder, so parameters() yields the decoder's weights first",
    ),
    "vae_separate_heads": (
        {"VAE": '''
class VAE(nn.Module):
    def __init__(self, x_dim, h_dim, z_dim):
        super().__init__()
        self.z_dim = z_dim
        self.encoder = nn.Sequential(nn.Linear(x_dim, h_dim), nn.ReLU())
        self.fc_mu = nn.Linear(h_dim, z_dim)
        self.fc_logvar = nn.Linear(h_dim, z_dim)
        self.decoder = nn.Sequential(nn.Linear(z_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, x_dim))

    def encode(self, x):
        h = self.encoder(x)
        return self.fc_mu(h), self.fc_logvar(h)

    def decode(self, z):
        return self.decoder(z)

    def forward(self, x, eps):
        return negative_elbo(x, self.encode, self.decode, eps)
'''},
        ("parameters", "shape", "2 * z_dim", "2·z_dim", "architecture", "order", "layer", "heads"),
        "uses separate mu and logvar heads (the PyTorch example) instead of one Linear(h, 2·z_dim), so parameters() differs",
    ),
    # ------------------------------------------------------------------ VAE training step
    "vae_step_no_zero_grad": (
        {"vae_train_step": '''
def vae_train_step(model, optimizer, x, eps):
    loss, _, _ = model(x, eps)
    loss.backward()
    optimizer.step()
    return loss.item()
'''},
        ("zero_grad", "zero the grad", "accumulat", "previous", "leftover", "old gradient", ".grad"),
        "never zeroes the gradients, so whatever .grad held on entry is added to this step's gradient",
    ),
    "vae_step_zero_grad_after_backward": (
        {"vae_train_step": '''
def vae_train_step(model, optimizer, x, eps):
    loss, _, _ = model(x, eps)
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    return loss.item()
'''},
        ("zero_grad", "order", "before", "after backward", "no update", "did not change", "unchanged", "moved"),
        "calls zero_grad between backward and step, wiping the gradients so the step does nothing",
    ),
    "vae_step_returns_tensor": (
        {"vae_train_step": '''
def vae_train_step(model, optimizer, x, eps):
    optimizer.zero_grad()
    loss, _, _ = model(x, eps)
    loss.backward()
    optimizer.step()
    return loss
'''},
        ("float", "python float", ".item()", "tensor", "type"),
        "returns the loss tensor instead of a Python float",
    ),
    "vae_step_loss_after_update": (
        {"vae_train_step": '''
def vae_train_step(model, optimizer, x, eps):
    optimizer.zero_grad()
    loss, _, _ = model(x, eps)
    loss.backward()
    optimizer.step()
    return model(x, eps)[0].item()
'''},
        ("before the step", "before", "after", "returned loss", "return", "value"),
        "returns the loss recomputed after the update instead of the loss before the step",
    ),
    "vae_step_summed_loss": (
        {"vae_train_step": '''
def vae_train_step(model, optimizer, x, eps):
    optimizer.zero_grad()
    _, rec, kl = model(x, eps)
    loss = (rec + kl).sum()
    loss.backward()
    optimizer.step()
    return loss.item()
'''},
        ("mean", "sum", "batch", "average", "n times", "scale", "too far"),
        "rebuilds the loss as a sum over the batch, so SGD moves the parameters N times too far",
    ),
    "vae_step_item_cuts_graph": (
        {"vae_train_step": '''
def vae_train_step(model, optimizer, x, eps):
    optimizer.zero_grad()
    loss = model(x, eps)[0].item()
    loss_t = torch.tensor(loss, requires_grad=True)
    loss_t.backward()
    optimizer.step()
    return loss
'''},
        ("graph", ".item()", "gradient", "no update", "did not change", "unchanged", "backward", "moved"),
        "takes .item() of the loss and backpropagates a fresh tensor, so no parameter gets a gradient",
    ),
    # ------------------------------------------------------------------ sampling images
    "sample_returns_logits": (
        {"sample_images": '''
def sample_images(model, z):
    with torch.no_grad():
        return model.decode(z)
'''},
        ("sigmoid", "probabilit", "[0, 1]", "logits", "range"),
        "returns the decoder's logits instead of pixel probabilities sigmoid(logits)",
    ),
    "sample_without_no_grad": (
        {"sample_images": '''
def sample_images(model, z):
    return torch.sigmoid(model.decode(z))
'''},
        ("no_grad", "requires_grad", "requires grad", "graph", "gradient"),
        "forgets torch.no_grad(), so the samples require grad and carry a graph",
    ),
    "sample_bernoulli_draws": (
        {"sample_images": '''
def sample_images(model, z):
    with torch.no_grad():
        return torch.bernoulli(torch.sigmoid(model.decode(z)))
'''},
        ("probabilit", "bernoulli", "binary", "random", "global", "sigmoid", "determin"),
        "returns binary Bernoulli draws (from the global RNG) instead of the pixel probabilities",
    ),
    # ------------------------------------------------------------------ GAN losses
    "d_loss_labels_swapped": (
        {"d_loss": '''
def d_loss(real_logits, fake_logits):
    return F.softplus(real_logits).mean() + F.softplus(-fake_logits).mean()
'''},
        ("label", "real", "fake", "swap", "1", "0", "sign"),
        "gives the real batch label 0 and the fake batch label 1",
    ),
    "d_loss_averaged": (
        {"d_loss": '''
def d_loss(real_logits, fake_logits):
    return 0.5 * (F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean())
'''},
        ("sum of two means", "average", "½", "0.5", "half", "2 ln 2", "factor"),
        "averages the two BCE terms (some texts do) instead of the SPEC's sum of two means",
    ),
    "d_loss_concatenated_batch": (
        {"d_loss": '''
def d_loss(real_logits, fake_logits):
    logits = torch.cat([real_logits, fake_logits])
    labels = torch.cat([torch.ones_like(real_logits), torch.zeros_like(fake_logits)])
    return F.binary_cross_entropy_with_logits(logits, labels)
'''},
        ("sum of two means", "mean", "concat", "differ in size", "batch size", "2 ln 2", "weight", "average"),
        "one BCE over the concatenated batches: a pooled mean (half the value, and wrongly weighted when sizes differ)",
    ),
    "d_loss_log_sigmoid_unstable": (
        {"d_loss": '''
def d_loss(real_logits, fake_logits):
    return -torch.log(torch.sigmoid(real_logits)).mean() - torch.log(1 - torch.sigmoid(fake_logits)).mean()
'''},
        ("stable", "±1000", "1000", "inf", "nan", "finite", "softplus", "log(sigmoid"),
        "computes log σ and log(1 − σ) directly, which are −inf at logits of ∓1000",
    ),
    "d_loss_sums": (
        {"d_loss": '''
def d_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).sum() + F.softplus(fake_logits).sum()
'''},
        ("mean", "sum", "batch", "average", "n times", "scale"),
        "sums over each batch instead of taking means",
    ),
    "d_loss_float32_labels": (
        {"d_loss": '''
def d_loss(real_logits, fake_logits):
    real = F.binary_cross_entropy_with_logits(real_logits, torch.ones(real_logits.shape[0]))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros(fake_logits.shape[0]))
    return real + fake
'''},
        ("float64", "float32", "dtype", "precision", "double", "torch.ones", "labels"),
        "builds the labels with torch.ones(n)/torch.zeros(n) without dtype=, which makes the loss float32",
    ),
    "g_ns_is_minimax": (
        {"g_loss_nonsaturating": '''
def g_loss_nonsaturating(fake_logits):
    return -F.softplus(fake_logits).mean()
'''},
        ("non-saturating", "nonsaturating", "minimax", "saturat", "softplus(−ℓ)", "log σ", "ln 2", "label 1"),
        "returns the minimax loss mean log(1 − σ(ℓ)) where the non-saturating −mean log σ(ℓ) is asked",
    ),
    "g_ns_sign_flipped": (
        {"g_loss_nonsaturating": '''
def g_loss_nonsaturating(fake_logits):
    return F.logsigmoid(fake_logits).mean()
'''},
        ("sign", "minus", "negative", "ln 2", "−mean log σ", "-mean log"),
        "returns mean log σ(ℓ) without the leading minus, so the generator would minimise its own success",
    ),
    "g_ns_log_sigmoid_unstable": (
        {"g_loss_nonsaturating": '''
def g_loss_nonsaturating(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits)).mean()
'''},
        ("stable", "±1000", "1000", "inf", "nan", "finite", "softplus", "log(sigmoid"),
        "computes −log(sigmoid(ℓ)), which is inf at ℓ = −1000",
    ),
    "g_minimax_log_one_minus_sigmoid": (
        {"g_loss_minimax": '''
def g_loss_minimax(fake_logits):
    return torch.log(1 - torch.sigmoid(fake_logits)).mean()
'''},
        ("stable", "±1000", "1000", "inf", "nan", "finite", "softplus", "log(1"),
        "computes log(1 − sigmoid(ℓ)) directly, which is −inf at ℓ = 1000",
    ),
    "g_minimax_sign_flipped": (
        {"g_loss_minimax": '''
def g_loss_minimax(fake_logits):
    return F.softplus(fake_logits).mean()
'''},
        ("sign", "minus", "minimis", "minimiz", "−ln 2", "-ln 2", "negative"),
        "returns mean softplus(ℓ) = −mean log(1 − σ(ℓ)), the discriminator's side, instead of its negative",
    ),
    "g_minimax_log_sigma": (
        {"g_loss_minimax": '''
def g_loss_minimax(fake_logits):
    return F.logsigmoid(fake_logits).mean()
'''},
        ("log(1 − σ", "log(1 - σ", "1 − σ", "minimax", "softplus(ℓ)", "formula", "gradient", "−σ(ℓ)"),
        "writes mean log σ(ℓ) where mean log(1 − σ(ℓ)) is meant (same value at 0, wrong elsewhere)",
    ),
    # ------------------------------------------------------------------ noise
    "noise_global_rng": (
        {"sample_noise": '''
def sample_noise(n, z_dim, generator):
    return torch.randn(n, z_dim, dtype=torch.float64)
'''},
        ("generator", "global", "random state", "reproducib", "same state", "same noise", "manual_seed"),
        "ignores the generator argument and draws from torch's global random state",
    ),
    "noise_float32": (
        {"sample_noise": '''
def sample_noise(n, z_dim, generator):
    return torch.randn(n, z_dim, generator=generator)
'''},
        ("float64", "float32", "dtype", "double"),
        "forgets dtype=torch.float64, so the noise is float32",
    ),
    "noise_uniform": (
        {"sample_noise": '''
def sample_noise(n, z_dim, generator):
    return torch.rand(n, z_dim, generator=generator, dtype=torch.float64)
'''},
        ("normal", "gaussian", "uniform", "mean", "std", "standard", "randn"),
        "uses torch.rand (uniform on [0, 1)) instead of torch.randn (standard normal)",
    ),
    "noise_reseeded_each_call": (
        {"sample_noise": '''
def sample_noise(n, z_dim, generator):
    g = torch.Generator().manual_seed(generator.initial_seed())
    return torch.randn(n, z_dim, generator=g, dtype=torch.float64)
'''},
        ("advance", "each call", "same draw", "state", "generator", "repeat", "identical", "different"),
        "copies the generator's seed into a fresh generator, so every call returns the same draw and the given generator never advances",
    ),
    # ------------------------------------------------------------------ GAN training step
    "gan_no_detach_zero_grads_at_top": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    opt_D.zero_grad()
    opt_G.zero_grad()
    fake = G(z_d)
    loss_d = d_loss(D(x_real), D(fake))
    loss_d.backward()
    opt_D.step()

    loss_g = g_loss_nonsaturating(D(G(z_g)))
    loss_g.backward()
    opt_G.step()
    return loss_d.item(), loss_g.item()
'''},
        ("detach", "d loss", "d_loss", "leak", "g's update", "generator's update", "zero", "gradient of the d",
         "contain", "only its own"),
        "zeroes both optimizers up front but does not detach G(z_d), so G's update also carries the D loss's gradient",
    ),
    "gan_no_zero_grad_D": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    fake = G(z_d).detach()
    loss_d = d_loss(D(x_real), D(fake))
    loss_d.backward()
    opt_D.step()

    opt_G.zero_grad()
    loss_g = g_loss_nonsaturating(D(G(z_g)))
    loss_g.backward()
    opt_G.step()
    return loss_d.item(), loss_g.item()
'''},
        ("zero_grad", "zero the grad", "accumulat", "previous", "leftover", "old gradient", ".grad", "discriminator"),
        "forgets opt_D.zero_grad(), so D's step includes whatever .grad held on entry (and the last G step's D gradients)",
    ),
    "gan_no_zero_grad_G": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    opt_D.zero_grad()
    fake = G(z_d).detach()
    loss_d = d_loss(D(x_real), D(fake))
    loss_d.backward()
    opt_D.step()

    loss_g = g_loss_nonsaturating(D(G(z_g)))
    loss_g.backward()
    opt_G.step()
    return loss_d.item(), loss_g.item()
'''},
        ("zero_grad", "zero the grad", "accumulat", "previous", "leftover", "old gradient", ".grad", "generator"),
        "forgets opt_G.zero_grad(), so G's step includes whatever .grad held on entry",
    ),
    "gan_g_step_steps_opt_D": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    opt_D.zero_grad()
    fake = G(z_d).detach()
    loss_d = d_loss(D(x_real), D(fake))
    loss_d.backward()
    opt_D.step()

    opt_G.zero_grad()
    loss_g = g_loss_nonsaturating(D(G(z_g)))
    loss_g.backward()
    opt_D.step()
    return loss_d.item(), loss_g.item()
'''},
        ("opt_g", "opt_d", "wrong optimizer", "d must not change", "d changed", "g did not", "step", "once"),
        "copy-paste: the G step calls opt_D.step(), so D moves again on the G loss and G never moves",
    ),
    "gan_joint_backward": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    opt_D.zero_grad()
    opt_G.zero_grad()
    loss_d = d_loss(D(x_real), D(G(z_d).detach()))
    loss_g = g_loss_nonsaturating(D(G(z_g)))
    (loss_d + loss_g).backward()
    opt_D.step()
    opt_G.step()
    return loss_d.item(), loss_g.item()
'''},
        ("updated d", "updated", "own loss", "only its own", "g loss", "leak", "d's update", "sequential", "order"),
        "backpropagates d_loss + g_loss at once: D's update also holds the G loss's gradient and G is scored by the old D",
    ),
    "gan_returns_tensors": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    opt_D.zero_grad()
    fake = G(z_d).detach()
    loss_d = d_loss(D(x_real), D(fake))
    loss_d.backward()
    opt_D.step()

    opt_G.zero_grad()
    loss_g = g_loss_nonsaturating(D(G(z_g)))
    loss_g.backward()
    opt_G.step()
    return loss_d, loss_g
'''},
        ("float", "python float", ".item()", "tensor", "type"),
        "returns the two loss tensors instead of Python floats",
    ),
    "gan_g_step_uses_minimax": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    opt_D.zero_grad()
    fake = G(z_d).detach()
    loss_d = d_loss(D(x_real), D(fake))
    loss_d.backward()
    opt_D.step()

    opt_G.zero_grad()
    loss_g = g_loss_minimax(D(G(z_g)))
    loss_g.backward()
    opt_G.step()
    return loss_d.item(), loss_g.item()
'''},
        ("non-saturating", "nonsaturating", "minimax", "g_loss", "generator loss", "saturat"),
        "trains G with the minimax loss instead of the non-saturating one",
    ),
    "gan_g_step_detached_fake": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    opt_D.zero_grad()
    fake = G(z_d).detach()
    loss_d = d_loss(D(x_real), D(fake))
    loss_d.backward()
    opt_D.step()

    opt_G.zero_grad()
    loss_g = g_loss_nonsaturating(D(G(z_g).detach()))
    loss_g.backward()
    opt_G.step()
    return loss_d.item(), loss_g.item()
'''},
        ("detach", "g did not", "generator", "no gradient", "did not change", "unchanged", "moved", "graph"),
        "also detaches G(z_g) in the G step, so no gradient reaches G and it never learns",
    ),
    "gan_g_step_first": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    opt_G.zero_grad()
    loss_g = g_loss_nonsaturating(D(G(z_g)))
    loss_g.backward()
    opt_G.step()

    opt_D.zero_grad()
    fake = G(z_d).detach()
    loss_d = d_loss(D(x_real), D(fake))
    loss_d.backward()
    opt_D.step()
    return loss_d.item(), loss_g.item()
'''},
        ("order", "first", "updated d", "d step", "before", "opt_d first"),
        "does the G step before the D step, so G is scored by the old D and D sees the updated G",
    ),
    "gan_freezes_D_never_unfreezes": (
        {"gan_train_step": '''
def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
    opt_D.zero_grad()
    fake = G(z_d).detach()
    loss_d = d_loss(D(x_real), D(fake))
    loss_d.backward()
    opt_D.step()

    for p in D.parameters():
        p.requires_grad_(False)
    opt_G.zero_grad()
    loss_g = g_loss_nonsaturating(D(G(z_g)))
    loss_g.backward()
    opt_G.step()
    return loss_d.item(), loss_g.item()
'''},
        ("requires_grad", "frozen", "freeze", "second call", "training", "learn", "d's parameters", "does not require grad"),
        "freezes D's parameters for the G step and never unfreezes them, so the next call's D step cannot backpropagate",
    ),
}
