# %% [markdown]
# # Assignment 4: a VAE and a GAN in PyTorch
#
# Two ways to learn a generative model. A **variational autoencoder** (VAE) learns an encoder
# $q(z\mid x)$ and a decoder $p(x\mid z)$ by maximising a lower bound on the log-likelihood of the data,
# the ELBO. A **generative adversarial network** (GAN) learns a generator $G(z)$ by playing against a
# discriminator $D(x)$ that tries to tell real samples from generated ones. You write the losses, the
# sampling and one training step of each; PyTorch supplies tensors, autograd, `nn.Linear` and the
# optimizers.
#
# **How it works.** Each *solution* cell holds functions and classes whose docstrings say what they
# must do; replace every `raise NotImplementedError()` with your code. Keep the names and signatures
# exactly as given (the graders call them), do not delete, copy or reorder cells, and do not rename
# the notebook. You may add helper functions inside your solution cells.
#
# **PyTorch, not a library model.** `torch`, `torch.nn` (as `nn`) and `torch.nn.functional` (as `F`) are
# imported in the first cell. Use tensors, modules, `F.*` functions and `torch.optim` freely; do not
# import a ready-made VAE or GAN, and do not import anything else.
#
# **Tests.** After the solution cells come locked test cells with small, hand-checkable examples.
# They are a *sanity check only*: when your notebook is graded, hidden tests take their place and
# decide the points shown in each part's heading (10 in total). The hidden tests call your functions
# with their own networks, optimizers and noise, compare values, gradients and updated parameters with
# an independent float64 computation, and try edge cases such as logits of ±1000, grey-valued targets,
# gradients left over from an earlier step, and image-shaped inputs. Passing every visible test is
# necessary, not sufficient.
#
# **Submitting.** Save, then *Kernel → Restart & Run All* and check that every test cell prints its
# ✓ line. Save again and press **Submit** for this assignment in the *Assignments* tab. You may
# submit more than once; your latest submission is the one graded.
#
# ## Conventions used everywhere
# - Everything is a `torch.Tensor`; the graders use **float64**. Return tensors of your inputs' dtype: a
#   float32 tensor mixed in (`torch.zeros(n)`, `torch.tensor(0.0)` as an accumulator) is a bug. Write
#   `torch.zeros_like(x)` or `dtype=x.dtype`. The batch is the **first** dimension.
# - **`logvar` is $\log\sigma^2$**, the log-variance, so $\sigma = e^{\frac12\,\mathrm{logvar}}$.
# - **Per-sample terms are sums:** the KL and the reconstruction NLL return one value per sample, shape
#   `(N,)`, each a **sum** over every non-batch dimension. **Training losses are means over the batch.**
# - **Logits, not probabilities**, go into every loss, and every loss must be **stable**: exact and
#   finite for logits of ±1000.
# - **Randomness is injected:** noise comes from the `eps`, `z` or `torch.Generator` you are given, never
#   from torch's global random state.
# - **Gradients:** a loss is a tensor you can call `.backward()` on: no `.item()`, `.detach()` or NumPy
#   inside it. When a training step starts, `.grad` may hold anything (an earlier step's gradients):
#   zero the gradients of the network you update before its backward. Never modify an input in place.
#
# The full API is in `SPEC.md` of this assignment; the docstrings in the solution cells repeat it.

# %% [setup]
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

f64 = torch.float64  # the graders' dtype: the tests below build float64 tensors and call model.double()


def T(data):
    """A float64 tensor from a number or nested list."""
    return torch.tensor(data, dtype=f64)


def randn(*shape, generator=None):
    """Standard normal float64 noise (for the tests; graded code draws only from what it is given)."""
    return torch.randn(*shape, dtype=f64, generator=generator)


def bar_images(n, generator):
    """n flattened 4×4 images, each one full row or one full column lit (8 patterns)."""
    k = torch.randint(0, 8, (n, 1, 1), generator=generator)
    rows, cols = torch.arange(4).view(1, 4, 1), torch.arange(4).view(1, 1, 4)
    lit = ((k < 4) & (rows == k)) | ((k >= 4) & (cols == k - 4))
    return lit.to(f64).reshape(n, 16)

# %% [markdown]
# ## Part A — the VAE
#
# The data $x$ is explained by a latent code $z \sim p(z) = \mathcal N(0, I)$ and a decoder
# $p_\theta(x \mid z)$. The log-likelihood $\log p_\theta(x) = \log \int p_\theta(x\mid z)\,p(z)\,dz$ is
# intractable, so an encoder $q_\phi(z \mid x) = \mathcal N(\mu_\phi(x), \mathrm{diag}\,\sigma^2_\phi(x))$
# approximates the posterior, and we maximise the **evidence lower bound**
#
# $$\log p_\theta(x) \;\ge\; \mathrm{ELBO}(x) = \mathbb E_{q_\phi(z\mid x)}\big[\log p_\theta(x\mid z)\big] - \mathrm{KL}\big(q_\phi(z\mid x)\,\|\,p(z)\big).$$
#
# We *minimise* its negative, the sum of a **reconstruction** term and a **KL** term, averaged over the
# batch. The expectation is estimated with one sample $z$ per data point.
#
# ### The reparameterisation trick
#
# Sampling $z \sim \mathcal N(\mu, \sigma^2)$ directly has no gradient with respect to $\mu$ and
# $\sigma$. Write the sample as a deterministic function of the parameters and of parameter-free noise:
#
# $$z = \mu + \sigma \odot \varepsilon, \qquad \varepsilon \sim \mathcal N(0, I), \qquad \sigma = e^{\frac12 \mathrm{logvar}}.$$
#
# Then $\partial z/\partial \mu = 1$ and $\partial z/\partial\,\mathrm{logvar} = \tfrac12\sigma\varepsilon$.
# The encoder outputs $\mathrm{logvar} = \log\sigma^2$ (any real number) rather than $\sigma$ (which must
# stay positive). Note the $\frac12$: $e^{\mathrm{logvar}}$ is the *variance*. Here $\varepsilon$ is an
# argument: the graders choose it.
#
# ### The KL term in closed form
#
# For $q = \mathcal N(\mu, \mathrm{diag}\,\sigma^2)$ and $p = \mathcal N(0, I)$, per sample,
#
# $$\mathrm{KL}(q\,\|\,p) = \frac12 \sum_{j=1}^{Z} \left(\sigma_j^2 + \mu_j^2 - 1 - \log\sigma_j^2\right) \;\ge 0,$$
#
# zero exactly when $\mu = 0$ and $\sigma = 1$. It is a **sum** over the $Z$ latent dimensions: averaging
# it changes the balance between the two terms of the loss.
#
# ### The reconstruction term for pixels in [0, 1]
#
# A Bernoulli decoder outputs one logit $\ell$ per pixel, $p = \sigma(\ell)$, and
# $-\log p(x\mid z) = \sum_{\text{pixels}} -\big[x\log\sigma(\ell) + (1-x)\log(1-\sigma(\ell))\big]$. With
# $-\log\sigma(\ell) = \mathrm{softplus}(-\ell)$ and $-\log(1 - \sigma(\ell)) = \mathrm{softplus}(\ell)$
# this simplifies to
#
# $$\mathrm{NLL}(x, \ell) = \sum_{\text{pixels}} \mathrm{softplus}(\ell) - x\,\ell, \qquad \mathrm{softplus}(\ell) = \log(1 + e^{\ell}),$$
#
# the binary cross-entropy *with logits*, summed. Computing $\sigma(\ell)$ first and then its log fails
# for large $|\ell|$: $\sigma(-1000) = 0$ and $\log 0 = -\infty$. `F.softplus`, `F.logsigmoid` and
# `F.binary_cross_entropy_with_logits` are stable; `F.binary_cross_entropy(torch.sigmoid(ℓ), x)` is not
# (it clamps the log at −100). With all logits 0, every pixel costs $\ln 2$.

# %% [solution vae]

# %% [markdown]
# ### Part A1 — Reparameterisation (0.75 points)

# %% [tests test_reparameterize]
mu = T([[0.0, 1.5]]).requires_grad_()
logvar = T([[0.0, 2 * math.log(2.0)]]).requires_grad_()  # σ = (1, 2)
eps = T([[0.5, -1.0]])
z = reparameterize(mu, logvar, eps)
assert z.dtype == f64 and torch.allclose(z, T([[0.5, -0.5]])), "z = μ + σ ε = (0 + 0.5, 1.5 − 2), float64 in and out"
z.sum().backward()
assert torch.allclose(mu.grad, T([[1.0, 1.0]])), "∂z/∂μ = 1"
assert torch.allclose(logvar.grad, T([[0.25, -1.0]])), "∂z/∂logvar = ½ σ ε"
assert torch.equal(reparameterize(mu, logvar, eps), reparameterize(mu, logvar, eps)), "use the eps given: no noise of your own"
print("✓ reparameterisation tests passed")

# %% [markdown]
# ### Part A2 — The KL term (1.0 point)

# %% [tests test_kl]
mu = T([[0.0, 0.0], [2.0, 0.0], [0.0, 0.0]])
logvar = T([[0.0, 0.0], [0.0, 0.0], [2.0, 0.0]])
kl = gaussian_kl(mu, logvar)
assert kl.shape == (3,) and kl.dtype == f64, "one KL per sample: shape (N,), float64"
assert torch.allclose(kl, T([0.0, 2.0, 0.5 * (math.exp(2.0) - 3.0)])), "KL = 0, 2 and ½(e² − 3) = 2.194528"
mu = randn(5, 3).requires_grad_()
logvar = randn(5, 3).requires_grad_()
gaussian_kl(mu, logvar).sum().backward()
assert torch.allclose(mu.grad, mu.detach()), "∂KL/∂μ = μ"
assert torch.allclose(logvar.grad, 0.5 * (logvar.detach().exp() - 1)), "∂KL/∂logvar = ½(σ² − 1)"
print("✓ KL tests passed")

# %% [markdown]
# ### Part A3 — The Bernoulli NLL (0.75 points)

# %% [tests test_bernoulli]
x = T([[1.0, 0.0, 1.0, 0.0]])
assert torch.allclose(bernoulli_nll(x, T([[0.0, 0.0, 0.0, 0.0]])), T([4 * math.log(2.0)])), "logits 0: ln 2 per pixel"
logits = T([[1000.0, -1000.0, -1000.0, 1000.0]])
assert torch.allclose(bernoulli_nll(x, logits), T([2000.0])), "stable at ±1000: two pixels cost 1000 each"
images = torch.rand(3, 1, 4, 4, dtype=f64)
logits = randn(3, 1, 4, 4)
expected = F.binary_cross_entropy_with_logits(logits, images, reduction="none").sum(dim=(1, 2, 3))
assert torch.allclose(bernoulli_nll(images, logits), expected), "images (N, 1, 4, 4), grey targets: sum over every non-batch dim"
print("✓ Bernoulli NLL tests passed")

# %% [markdown]
# ## The negative ELBO, the VAE and its training step
#
# `negative_elbo(x, encoder, decoder, eps)` puts the pieces together for *any* encoder (returning
# `(mu, logvar)`) and decoder (returning logits). The `VAE` module is one such pair: an encoder
# `Linear(x_dim, h_dim) → ReLU → Linear(h_dim, 2·z_dim)` whose output holds `[mu | logvar]`, and a decoder
# `Linear(z_dim, h_dim) → ReLU → Linear(h_dim, x_dim)`. Build them as two `nn.Sequential`s, the encoder
# first: the graders write their own weights into `model.parameters()` in that order.
#
# A training step is the usual four lines: zero the gradients, compute the loss, `backward()`, `step()`.
# The hidden tests replay your step with plain SGD: a loss that is summed instead of averaged moves the
# parameters $N$ times too far, and gradients that were not zeroed first carry the previous step along.
# `sample_images` decodes given codes $z$ into pixel probabilities, without building a graph.

# %% [solution vae_model]

# %% [markdown]
# ### Part A4 — The negative ELBO and the VAE (1.5 points)

# %% [tests test_elbo]
torch.manual_seed(0)
model = VAE(16, 8, 2).double()
assert [tuple(p.shape) for p in model.parameters()] == [(8, 16), (8,), (4, 8), (4,), (8, 2), (8,), (16, 8), (16,)], (
    "parameters(): encoder W1, b1, W2, b2, then decoder W1, b1, W2, b2")
with torch.no_grad():
    for p in model.parameters():
        p.zero_()
x = bar_images(5, torch.Generator().manual_seed(1))
loss, rec, kl = model(x, randn(5, 2))
assert rec.shape == (5,) and kl.shape == (5,) and loss.dim() == 0, "rec and kl per sample (N,), loss a 0-d tensor"
assert torch.allclose(loss, T(16 * math.log(2.0))) and torch.allclose(kl, torch.zeros_like(kl)), (
    "zero weights: every logit 0, so the loss is 16 ln 2 = 11.0904, and mu = logvar = 0, so the KL is 0")
mu, logvar = model.encode(x)
assert mu.shape == (5, 2) and logvar.shape == (5, 2), "encode returns (mu, logvar), each (N, z_dim)"
torch.manual_seed(0)
model = VAE(16, 8, 2).double()
loss, rec, kl = model(x, randn(5, 2))
assert loss.dtype == f64, "a float64 model and float64 data give a float64 loss"
loss.backward()
assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters()), "every parameter gets a gradient"
print("✓ ELBO tests passed")

# %% [markdown]
# ### Part A5 — The training step (1.0 point)

# %% [tests test_vae_step]
torch.manual_seed(0)
model = VAE(16, 8, 2).double()
x, eps = bar_images(8, torch.Generator().manual_seed(2)), randn(8, 2)
expected_loss = model(x, eps)[0]
expected_loss.backward()  # leaves gradients in .grad: vae_train_step must zero them first
expected = [p.detach() - 0.1 * p.grad for p in model.parameters()]
loss = vae_train_step(model, torch.optim.SGD(model.parameters(), lr=0.1), x, eps)
assert isinstance(loss, float) and abs(loss - expected_loss.item()) < 1e-10, "return the loss before the step, as a float"
assert all(torch.allclose(p, e) for p, e in zip(model.parameters(), expected)), (
    "one SGD step: θ ← θ − 0.1·∂loss/∂θ (zero the old gradients before backward)")
print("✓ training step tests passed")

# %% [markdown]
# ## Part B — the GAN
#
# The discriminator $D$ outputs a logit $\ell = D(x)$, the probability that $x$ is real being
# $\sigma(\ell)$. It is trained as a binary classifier, real = 1, fake = 0:
#
# $$L_D = \underbrace{-\frac1{N_r}\sum_i \log\sigma(\ell^{\text{real}}_i)}_{\text{mean BCE, label 1}} \;\underbrace{-\;\frac1{N_f}\sum_j \log\big(1 - \sigma(\ell^{\text{fake}}_j)\big)}_{\text{mean BCE, label 0}} = \overline{\mathrm{softplus}(-\ell^{\text{real}})} + \overline{\mathrm{softplus}(\ell^{\text{fake}})},$$
#
# a **sum of two means** (here; some texts average them). The generator plays the other side. In the
# original **minimax** game it minimises $\overline{\log(1 - \sigma(\ell^{\text{fake}}))} = -\overline{\mathrm{softplus}(\ell^{\text{fake}})}$,
# whose gradient $-\sigma(\ell)/N$ vanishes exactly when $D$ confidently rejects the fakes ($\ell \ll 0$),
# early in training. The **non-saturating** loss $-\overline{\log\sigma(\ell^{\text{fake}})} = \overline{\mathrm{softplus}(-\ell^{\text{fake}})}$
# has the same fixed point, and its gradient $-(1 - \sigma(\ell))/N \approx -1/N$ stays strong there: it is
# the one used in practice. All three losses must be stable at $|\ell| = 1000$.
#
# **One training step** alternates: first a D step on real data and $G(z_d)$, during which $G$ must not
# learn anything (detach the fakes, or clear $G$'s gradients before its own step); then a G step on
# $G(z_g)$ scored by the *updated* $D$, during which $D$ must not change. Each optimizer steps once.
# **Noise** comes from the `torch.Generator` you are given (`generator=` in `torch.randn`), so a run is
# reproducible and the graders can choose it.

# %% [solution gan]

# %% [markdown]
# ### Part B1 — GAN losses (1.25 points)

# %% [tests test_gan_losses]
zeros = torch.zeros(6, dtype=f64)
assert torch.isclose(d_loss(zeros[:4], zeros), T(2 * math.log(2.0))), "D loss at zero logits: 2 ln 2 (a sum of two means)"
assert torch.isclose(g_loss_nonsaturating(zeros), T(math.log(2.0))), "non-saturating: ln 2 at 0"
assert torch.isclose(g_loss_minimax(zeros), T(-math.log(2.0))), "minimax: −ln 2 at 0"
fake = T([-10.0, 0.0]).requires_grad_()
g_loss_nonsaturating(fake).backward()
assert torch.isclose(fake.grad[0], -(1 - torch.sigmoid(T(-10.0))) / 2), "non-saturating gradient: −(1 − σ(ℓ))/N"
big = T([1000.0, -1000.0])
for value in (d_loss(big, -big), d_loss(-big, big), g_loss_nonsaturating(big), g_loss_minimax(big)):
    assert torch.isfinite(value), "every GAN loss must be finite at logits of ±1000"
assert torch.isclose(d_loss(-big, big), T(1000.0)), "D loss at ±1000: mean(1000, 0) + mean(1000, 0) = 1000"
print("✓ GAN loss tests passed")

# %% [markdown]
# ### Part B2 — The GAN training step (1.75 points)

# %% [tests test_gan_step]
torch.manual_seed(0)
G = nn.Sequential(nn.Linear(3, 4), nn.LeakyReLU(0.2), nn.Linear(4, 2)).double()
D = nn.Sequential(nn.Linear(2, 5), nn.LeakyReLU(0.2), nn.Linear(5, 1), nn.Flatten(0)).double()
opt_G, opt_D = torch.optim.SGD(G.parameters(), lr=0.05), torch.optim.SGD(D.parameters(), lr=0.2)
x_real, z_d, z_g = randn(6, 2) + 1, randn(5, 3), randn(4, 3)
G0 = [p.detach().clone() for p in G.parameters()]
d_value, g_value = gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g)
assert isinstance(d_value, float) and isinstance(g_value, float), "return the two losses as Python floats"
D1 = [p.detach().clone() for p in D.parameters()]
G_ref = [p.clone().requires_grad_() for p in G0]
fake = F.linear(F.leaky_relu(F.linear(z_g, G_ref[0], G_ref[1]), 0.2), G_ref[2], G_ref[3])
g_loss_nonsaturating(D(fake)).backward()  # with the updated D
assert all(torch.allclose(p, p0 - 0.05 * p0g.grad) for p, p0, p0g in zip(G.parameters(), G0, G_ref)), (
    "G moves by one SGD step on the non-saturating loss with the updated D, and nothing else")
assert all(torch.equal(p, d1) for p, d1 in zip(D.parameters(), D1)), "D must not change during the G step"
print("✓ GAN step tests passed")

# %% [markdown]
# ### Part B3 — Noise and samples (0.5 points)

# %% [tests test_sampling]
a = sample_noise(1000, 3, torch.Generator().manual_seed(5))
b = sample_noise(1000, 3, torch.Generator().manual_seed(5))
assert a.shape == (1000, 3) and a.dtype == torch.float64, "shape (n, z_dim), float64"
assert torch.equal(a, b), "the same generator state gives the same noise"
assert abs(a.mean()) < 0.2 and abs(a.std() - 1) < 0.2, "standard normal draws"
torch.manual_seed(0)
images = sample_images(VAE(16, 8, 2).double(), randn(7, 2))
assert images.shape == (7, 16) and images.min() >= 0 and images.max() <= 1, "probabilities in [0, 1]"
assert not images.requires_grad, "sample_images runs under torch.no_grad()"
print("✓ sampling tests passed")

# %% [markdown]
# ## Part C — Do they learn?
#
# The two last parts train your code on small problems. The hidden tests run the same kind of loops with
# their own weights and seeds: a `VAE(16, 32, 2)` must bring the −ELBO of 4×4 bar images to at most 0.65 of
# its initial value in 150 Adam steps (learning only how often each pixel is lit gives about 0.78), and a GAN
# must move the mean of its samples from about 0 to within 0.5 of 3 in 200 steps. Each run takes about a
# second. These cells show the same here.
#
# ### Part C1 — The VAE learns bar images (0.75 points)

# %% [tests test_vae_training]
torch.manual_seed(0)
data = torch.Generator().manual_seed(0)
model = VAE(16, 32, 2).double()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
x_test, eps_test = bar_images(512, data), randn(512, 2)
with torch.no_grad():
    first = model(x_test, eps_test)[0].item()
for step in range(150):
    vae_train_step(model, optimizer, bar_images(32, data), randn(32, 2))
with torch.no_grad():
    last = model(x_test, eps_test)[0].item()
print(f"−ELBO {first:.3f} → {last:.3f} ({last / first:.2f}×)")
assert last <= 0.65 * first, "the VAE should bring the −ELBO to at most 0.65× its initial value"
print("✓ VAE training test passed")

# %% [markdown]
# ### Part C2 — The GAN learns a Gaussian (0.75 points)

# %% [tests test_gan_training]
torch.manual_seed(0)
G = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1)).double()
D = nn.Sequential(nn.Linear(1, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1), nn.Flatten(0)).double()
opt_G = torch.optim.Adam(G.parameters(), lr=0.01, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=0.01, betas=(0.5, 0.999))
noise = torch.Generator().manual_seed(1)
for step in range(200):
    x_real = 3.0 + 0.5 * randn(64, 1)
    gan_train_step(G, D, opt_G, opt_D, x_real, sample_noise(64, 2, noise), sample_noise(64, 2, noise))
with torch.no_grad():
    samples = G(sample_noise(4000, 2, noise))
print(f"G(z): mean {samples.mean():.3f}, std {samples.std():.3f} (data: 3, 0.5)")
assert abs(samples.mean() - 3.0) < 0.5, "the GAN's samples should have a mean within 0.5 of 3"
print("✓ GAN training test passed")

# %% [markdown]
# ## Before you submit
#
# 1. *Kernel → Restart & Run All*: every test cell should print its ✓ line, with no warnings.
# 2. Check that your losses take logits, sum per sample and average over the batch, and that every
#    random number comes from the `eps`, `z` or generator you were given.
# 3. Save, then **Submit** in the *Assignments* tab.
