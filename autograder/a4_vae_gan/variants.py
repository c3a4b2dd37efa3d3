"""Student variants of Assignment 4 (a VAE and a GAN in PyTorch), as overrides of the reference solution.

``BUGGY``: one realistic mistake each, written the way students write it; the hidden graders must take
points away, and where ``mistake`` is set, some failing test's message must contain it
(case-insensitive).

``CORRECT``: right per ``assignments/a4_vae_gan/SPEC.md`` but written differently from
``reference/a4_vae_gan/`` (torch.distributions, manual softplus, logsigmoid, BCE with logits, no detach
where G's gradients are zeroed, retain_graph, other zero_grad orders, a frozen D); the hidden graders
must give them full marks.

Each override replaces one top-level function or class (``"gaussian_kl"``, ``"VAE"``) or one method
(``"VAE.encode"``) of the concatenated reference code; see :mod:`autograder.variants.overrides`.
Sources: DESIGN_NEXT §6.3 (bugs seen in real code, with their issues) and §6.4 (unusual but correct).
"""
from __future__ import annotations

from autograder.variants import Variant

BUGGY: dict[str, Variant] = {
    # ------------------------------------------------------------------ reparameterisation
    "reparam_sigma_is_exp_logvar": Variant({"reparameterize": '''
        def reparameterize(mu, logvar, eps):
            std = torch.exp(logvar)
            return mu + std * eps
        '''}, mistake="σ = exp(logvar) is the variance"),
    "reparam_draws_its_own_noise": Variant({"reparameterize": '''
        def reparameterize(mu, logvar, eps):
            std = torch.exp(0.5 * logvar)
            return mu + std * torch.randn_like(std)
        '''}, mistake="draws its own noise"),
    "reparam_detached": Variant({"reparameterize": '''
        def reparameterize(mu, logvar, eps):
            with torch.no_grad():
                z = mu + torch.exp(0.5 * logvar) * eps
            return z
        '''}, mistake="no gradient reached"),
    "reparam_numpy_round_trip": Variant({"reparameterize": '''
        def reparameterize(mu, logvar, eps):
            import numpy as np
            std = np.exp(0.5 * logvar.detach().numpy())
            return mu + torch.from_numpy(std) * eps
        '''}, mistake="no gradient reached `logvar`"),
    "reparam_logvar_as_std": Variant({"reparameterize": '''
        def reparameterize(mu, logvar, eps):
            return mu + logvar * eps
        '''}, mistake="logvar is used as σ"),
    "reparam_scales_eps_in_place": Variant({"reparameterize": '''
        def reparameterize(mu, logvar, eps):
            std = torch.exp(0.5 * logvar)
            return eps.mul_(std).add_(mu)
        '''}, mistake="in place"),
    # ------------------------------------------------------------------ KL
    "kl_written_for_log_sigma": Variant({"gaussian_kl": '''
        def gaussian_kl(mu, logvar):
            # KL for log σ: ½ Σ (σ² + μ² − 1 − 2 log σ)
            return 0.5 * torch.sum(torch.exp(2 * logvar) + mu ** 2 - 1.0 - 2 * logvar, dim=1)
        '''}, mistake="written for log σ"),
    "kl_averaged_over_latent_dims": Variant({"gaussian_kl": '''
        def gaussian_kl(mu, logvar):
            return -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)
        '''}, mistake="averaged over the latent dimensions"),
    "kl_sign": Variant({"gaussian_kl": '''
        def gaussian_kl(mu, logvar):
            return 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)
        '''}, mistake="wrong sign"),
    "kl_missing_half": Variant({"gaussian_kl": '''
        def gaussian_kl(mu, logvar):
            return torch.sum(logvar.exp() + mu ** 2 - 1 - logvar, dim=1)
        '''}, mistake="½ is missing"),
    "kl_mean_over_batch": Variant({"gaussian_kl": '''
        def gaussian_kl(mu, logvar):
            return -0.5 * torch.mean(torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1))
        '''}, mistake="averaged over the batch"),
    "kl_float32_accumulator": Variant({"gaussian_kl": '''
        def gaussian_kl(mu, logvar):
            total = torch.zeros(mu.shape[0], dtype=torch.float32)
            for j in range(mu.shape[1]):
                total += 0.5 * (logvar[:, j].exp() + mu[:, j] ** 2 - 1 - logvar[:, j])
            return total
        '''}, mistake="float32"),
    # ------------------------------------------------------------------ Bernoulli NLL
    "bce_sigmoid_then_bce": Variant({"bernoulli_nll": '''
        def bernoulli_nll(x, logits):
            p = torch.sigmoid(logits)
            return F.binary_cross_entropy(p, x, reduction="none").flatten(1).sum(1)
        '''}, mistake="clamps the log at −100"),
    "bce_log_of_sigmoid": Variant({"bernoulli_nll": '''
        def bernoulli_nll(x, logits):
            p = torch.sigmoid(logits)
            return -(x * torch.log(p) + (1 - x) * torch.log(1 - p)).flatten(1).sum(1)
        '''}, mistake="not stable at large logits"),
    "bce_log1p_exp": Variant({"bernoulli_nll": '''
        def bernoulli_nll(x, logits):
            return (torch.log1p(torch.exp(logits)) - x * logits).flatten(1).sum(1)
        '''}, mistake="not stable at large logits"),
    "bce_double_sigmoid": Variant({"bernoulli_nll": '''
        def bernoulli_nll(x, logits):
            probs = torch.sigmoid(logits)
            return F.binary_cross_entropy_with_logits(probs, x, reduction="none").flatten(1).sum(1)
        '''}, mistake="sigmoid applied twice"),
    "bce_averaged_over_pixels": Variant({"bernoulli_nll": '''
        def bernoulli_nll(x, logits):
            return F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).mean(1)
        '''}, mistake="averaged over the pixels"),
    "bce_sums_dim_one_only": Variant({"bernoulli_nll": '''
        def bernoulli_nll(x, logits):
            return (F.softplus(logits) - x * logits).sum(dim=1)
        '''}, mistake="dimension 1 only"),
    "bce_bernoulli_distribution_validates": Variant({"bernoulli_nll": '''
        def bernoulli_nll(x, logits):
            dist = torch.distributions.Bernoulli(logits=logits)
            return -dist.log_prob(x).flatten(1).sum(1)
        '''}, mistake="grey values"),
    # ------------------------------------------------------------------ negative ELBO and the VAE
    "elbo_summed_over_batch": Variant({"negative_elbo": '''
        def negative_elbo(x, encoder, decoder, eps):
            mu, logvar = encoder(x)
            z = reparameterize(mu, logvar, eps)
            rec = bernoulli_nll(x, decoder(z))
            kl = gaussian_kl(mu, logvar)
            return (rec + kl).sum(), rec, kl
        '''}, mistake="summed over the batch"),
    "elbo_decodes_mu": Variant({"negative_elbo": '''
        def negative_elbo(x, encoder, decoder, eps):
            mu, logvar = encoder(x)
            logits = decoder(mu)
            rec = bernoulli_nll(x, logits)
            kl = gaussian_kl(mu, logvar)
            return (rec + kl).mean(), rec, kl
        '''}, mistake="decoder is given μ"),
    "elbo_kl_subtracted": Variant({"negative_elbo": '''
        def negative_elbo(x, encoder, decoder, eps):
            mu, logvar = encoder(x)
            z = reparameterize(mu, logvar, eps)
            rec = bernoulli_nll(x, decoder(z))
            kl = gaussian_kl(mu, logvar)
            return (rec - kl).mean(), rec, kl
        '''}, mistake="wrong sign"),
    "elbo_returns_item": Variant({"negative_elbo": '''
        def negative_elbo(x, encoder, decoder, eps):
            mu, logvar = encoder(x)
            z = reparameterize(mu, logvar, eps)
            rec = bernoulli_nll(x, decoder(z))
            kl = gaussian_kl(mu, logvar)
            return (rec + kl).mean().item(), rec, kl
        '''}, mistake="python number"),
    "elbo_rec_mean_over_pixels_inline": Variant({"negative_elbo": '''
        def negative_elbo(x, encoder, decoder, eps):
            mu, logvar = encoder(x)
            z = reparameterize(mu, logvar, eps)
            logits = decoder(z)
            rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).mean(1)
            kl = gaussian_kl(mu, logvar)
            return (rec + kl).mean(), rec, kl
        '''}, mistake="averaged over the pixels"),
    "vae_encode_logvar_first": Variant({"VAE.encode": '''
        def encode(self, x):
            logvar, mu = self.encoder(x).chunk(2, dim=1)
            return mu, logvar
        '''}, mistake="mu is the FIRST z_dim columns"),
    "vae_decoder_ends_in_sigmoid": Variant({"VAE.decode": '''
        def decode(self, z):
            return torch.sigmoid(self.decoder(z))
        '''}, mistake="probabilities"),
    "vae_decoder_first": Variant({"VAE.__init__": '''
        def __init__(self, x_dim, h_dim, z_dim):
            super().__init__()
            self.z_dim = z_dim
            self.decoder = nn.Sequential(nn.Linear(z_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, x_dim))
            self.encoder = nn.Sequential(nn.Linear(x_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, 2 * z_dim))
        '''}, mistake="parameters() has shapes"),
    # ------------------------------------------------------------------ VAE training step and sampling
    "vae_step_no_zero_grad": Variant({"vae_train_step": '''
        def vae_train_step(model, optimizer, x, eps):
            loss, _, _ = model(x, eps)
            loss.backward()
            optimizer.step()
            return loss.item()
        '''}, mistake="not zeroed"),
    "vae_step_zero_grad_before_step": Variant({"vae_train_step": '''
        def vae_train_step(model, optimizer, x, eps):
            loss, _, _ = model(x, eps)
            loss.backward()
            optimizer.zero_grad()
            optimizer.step()
            return loss.item()
        '''}, mistake="did not change"),
    "vae_step_sums_the_batch": Variant({"vae_train_step": '''
        def vae_train_step(model, optimizer, x, eps):
            optimizer.zero_grad()
            _, rec, kl = model(x, eps)
            loss = (rec + kl).sum()
            loss.backward()
            optimizer.step()
            return loss.item() / x.shape[0]
        '''}, mistake="summed over the batch"),
    "vae_step_returns_loss_after_step": Variant({"vae_train_step": '''
        def vae_train_step(model, optimizer, x, eps):
            optimizer.zero_grad()
            loss, _, _ = model(x, eps)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                return model(x, eps)[0].item()
        '''}, mistake="after optimizer.step()"),
    "sample_images_returns_logits": Variant({"sample_images": '''
        def sample_images(model, z):
            with torch.no_grad():
                return model.decode(z)
        '''}, mistake="decoder's logits"),
    "sample_images_builds_a_graph": Variant({"sample_images": '''
        def sample_images(model, z):
            return torch.sigmoid(model.decode(z))
        '''}, mistake="built a graph"),
    # ------------------------------------------------------------------ GAN losses
    "d_loss_averaged": Variant({"d_loss": '''
        def d_loss(real_logits, fake_logits):
            real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
            return (real + fake) / 2
        '''}, mistake="their SUM"),
    "d_loss_labels_swapped": Variant({"d_loss": '''
        def d_loss(real_logits, fake_logits):
            return F.softplus(real_logits).mean() + F.softplus(-fake_logits).mean()
        '''}, mistake="labels are swapped"),
    "d_loss_sigmoid_bce": Variant({"d_loss": '''
        def d_loss(real_logits, fake_logits):
            bce = nn.BCELoss()
            return bce(torch.sigmoid(real_logits), torch.ones_like(real_logits)) + \\
                bce(torch.sigmoid(fake_logits), torch.zeros_like(fake_logits))
        '''}, mistake="clamps the log"),
    "d_loss_concatenated_batch": Variant({"d_loss": '''
        def d_loss(real_logits, fake_logits):
            logits = torch.cat([real_logits, fake_logits])
            labels = torch.cat([torch.ones_like(real_logits), torch.zeros_like(fake_logits)])
            return F.binary_cross_entropy_with_logits(logits, labels)
        '''}, mistake="concatenated batch"),
    "d_loss_float32_targets": Variant({"d_loss": '''
        def d_loss(real_logits, fake_logits):
            ones, zeros = torch.ones(len(real_logits)), torch.zeros(len(fake_logits))  # float32 labels
            return F.binary_cross_entropy_with_logits(real_logits, ones) + \\
                F.binary_cross_entropy_with_logits(fake_logits, zeros)
        '''}, mistake="float32"),
    "g_nonsaturating_is_minimax": Variant({"g_loss_nonsaturating": '''
        def g_loss_nonsaturating(fake_logits):
            return -F.softplus(fake_logits).mean()
        '''}, mistake="minimax loss"),
    "g_nonsaturating_label_zero": Variant({"g_loss_nonsaturating": '''
        def g_loss_nonsaturating(fake_logits):
            return F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        '''}, mistake="label 0"),
    "g_nonsaturating_log_sigmoid": Variant({"g_loss_nonsaturating": '''
        def g_loss_nonsaturating(fake_logits):
            return -torch.log(torch.sigmoid(fake_logits)).mean()
        '''}, mistake="not stable at large logits"),
    "g_minimax_sign": Variant({"g_loss_minimax": '''
        def g_loss_minimax(fake_logits):
            return F.softplus(fake_logits).mean()
        '''}, mistake="wrong sign"),
    "g_minimax_log_one_minus_sigmoid": Variant({"g_loss_minimax": '''
        def g_loss_minimax(fake_logits):
            return torch.log(1 - torch.sigmoid(fake_logits)).mean()
        '''}, mistake="not stable at large logits"),
    # ------------------------------------------------------------------ noise
    "noise_from_global_rng": Variant({"sample_noise": '''
        def sample_noise(n, z_dim, generator):
            return torch.randn(n, z_dim, dtype=torch.float64)
        '''}, mistake="global random state"),
    "noise_uniform": Variant({"sample_noise": '''
        def sample_noise(n, z_dim, generator):
            return torch.rand(n, z_dim, generator=generator, dtype=torch.float64) * 2 - 1
        '''}),
    "noise_float32": Variant({"sample_noise": '''
        def sample_noise(n, z_dim, generator):
            return torch.randn(n, z_dim, generator=generator)
        '''}, mistake="float32"),
    "noise_reseeds_a_fresh_generator": Variant({"sample_noise": '''
        def sample_noise(n, z_dim, generator):
            g = torch.Generator().manual_seed(generator.initial_seed())
            return torch.randn(n, z_dim, generator=g, dtype=torch.float64)
        '''}, mistake="give the same draw"),
    # ------------------------------------------------------------------ GAN training step
    "gan_step_d_step_leaks_into_g": Variant({"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            opt_D.zero_grad()
            opt_G.zero_grad()
            loss_d = d_loss(D(x_real), D(G(z_d)))
            loss_d.backward()
            opt_D.step()
            loss_g = g_loss_nonsaturating(D(G(z_g)))
            loss_g.backward()
            opt_G.step()
            return loss_d.item(), loss_g.item()
        '''}, mistake="leaked into G"),
    "gan_step_detaches_g_step_fakes": Variant({"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            opt_D.zero_grad()
            loss_d = d_loss(D(x_real), D(G(z_d).detach()))
            loss_d.backward()
            opt_D.step()
            opt_G.zero_grad()
            loss_g = g_loss_nonsaturating(D(G(z_g).detach()))
            loss_g.backward()
            opt_G.step()
            return loss_d.item(), loss_g.item()
        '''}, mistake="G did not change"),
    "gan_step_joint_update": Variant({"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            opt_D.zero_grad()
            opt_G.zero_grad()
            loss_d = d_loss(D(x_real), D(G(z_d).detach()))
            loss_g = g_loss_nonsaturating(D(G(z_g)))
            loss_d.backward()
            loss_g.backward()
            opt_D.step()
            opt_G.step()
            return loss_d.item(), loss_g.item()
        '''}, mistake="both losses were computed before either step"),
    "gan_step_reuses_z_d": Variant({"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            fake = G(z_d)
            opt_D.zero_grad()
            loss_d = d_loss(D(x_real), D(fake.detach()))
            loss_d.backward()
            opt_D.step()
            opt_G.zero_grad()
            loss_g = g_loss_nonsaturating(D(fake))
            loss_g.backward()
            opt_G.step()
            return loss_d.item(), loss_g.item()
        '''}, mistake="reused z_d"),
    "gan_step_minimax": Variant({"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            opt_D.zero_grad()
            loss_d = d_loss(D(x_real), D(G(z_d).detach()))
            loss_d.backward()
            opt_D.step()
            opt_G.zero_grad()
            loss_g = g_loss_minimax(D(G(z_g)))
            loss_g.backward()
            opt_G.step()
            return loss_d.item(), loss_g.item()
        '''}, mistake="minimax loss"),
    "gan_step_zero_grad_after_step": Variant({"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            loss_d = d_loss(D(x_real), D(G(z_d).detach()))
            loss_d.backward()
            opt_D.step()
            opt_D.zero_grad()
            loss_g = g_loss_nonsaturating(D(G(z_g)))
            loss_g.backward()
            opt_G.step()
            opt_G.zero_grad()
            return loss_d.item(), loss_g.item()
        '''}, mistake="not zeroed"),
    "gan_step_d_steps_again": Variant({"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            opt_D.zero_grad()
            loss_d = d_loss(D(x_real), D(G(z_d).detach()))
            loss_d.backward()
            opt_D.step()
            opt_G.zero_grad()
            loss_g = g_loss_nonsaturating(D(G(z_g)))
            loss_g.backward()
            opt_G.step()
            opt_D.step()
            return loss_d.item(), loss_g.item()
        '''}, mistake="also ran after the G loss's backward"),
    "gan_step_returns_g_loss_first": Variant({"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            opt_D.zero_grad()
            loss_d = d_loss(D(x_real), D(G(z_d).detach()))
            loss_d.backward()
            opt_D.step()
            opt_G.zero_grad()
            loss_g = g_loss_nonsaturating(D(G(z_g)))
            loss_g.backward()
            opt_G.step()
            return loss_g.item(), loss_d.item()
        '''}, mistake="returns (d_loss, g_loss)"),
}

CORRECT: dict[str, dict[str, str]] = {
    "reparam_sqrt_of_variance_addcmul": {"reparameterize": '''
        def reparameterize(mu, logvar, eps):
            std = torch.sqrt(torch.exp(logvar))
            return torch.addcmul(mu, std, eps)
        '''},
    "kl_torch_distributions": {"gaussian_kl": '''
        def gaussian_kl(mu, logvar):
            q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
            p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
            return torch.distributions.kl_divergence(q, p).sum(dim=-1)
        '''},
    "kl_textbook_form_loop": {"gaussian_kl": '''
        def gaussian_kl(mu, logvar):
            total = torch.zeros_like(mu[:, 0])
            for j in range(mu.shape[1]):
                total = total - 0.5 * (1 + logvar[:, j] - mu[:, j].pow(2) - logvar[:, j].exp())
            return total
        '''},
    "bce_with_logits_over_dims": {"bernoulli_nll": '''
        def bernoulli_nll(x, logits):
            dims = tuple(range(1, x.dim()))
            return F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=dims)
        '''},
    "bce_neg_abs_form": {"bernoulli_nll": '''
        def bernoulli_nll(x, logits):
            # CS231n's stable form: max(ℓ, 0) − x·ℓ + log(1 + e^−|ℓ|)
            per_pixel = logits.clamp(min=0) - logits * x + torch.log1p(torch.exp(-logits.abs()))
            return per_pixel.reshape(x.shape[0], -1).sum(dim=1)
        '''},
    "bce_logsigmoid_and_unvalidated_bernoulli": {"bernoulli_nll": '''
        def bernoulli_nll(x, logits):
            dist = torch.distributions.Bernoulli(logits=logits, validate_args=False)
            log_p = x * F.logsigmoid(logits) + (1 - x) * F.logsigmoid(-logits)
            assert torch.allclose(log_p, dist.log_prob(x))
            return -log_p.flatten(1).sum(1)
        '''},
    "elbo_inline_and_sum_over_n": {"negative_elbo": '''
        def negative_elbo(x, encoder, decoder, eps):
            mu, logvar = encoder(x)
            std = (0.5 * logvar).exp()
            logits = decoder(mu + std * eps)
            rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").reshape(len(x), -1).sum(-1)
            kl = -0.5 * (1 + logvar - mu ** 2 - std ** 2).sum(-1)
            loss = (rec + kl).sum() / x.shape[0]
            return loss, rec, kl
        '''},
    "vae_named_layers": {"VAE": '''
        class VAE(nn.Module):
            def __init__(self, x_dim, h_dim, z_dim):
                super().__init__()
                self.fc1 = nn.Linear(x_dim, h_dim)
                self.fc2 = nn.Linear(h_dim, 2 * z_dim)
                self.fc3 = nn.Linear(z_dim, h_dim)
                self.fc4 = nn.Linear(h_dim, x_dim)

            def encode(self, x):
                mu, logvar = self.fc2(F.relu(self.fc1(x))).chunk(2, dim=-1)
                return mu, logvar

            def decode(self, z):
                return self.fc4(torch.relu(self.fc3(z)))

            def forward(self, x, eps):
                return negative_elbo(x, self.encode, self.decode, eps)
        '''},
    "vae_step_zero_grad_set_to_zero_after_step": {"vae_train_step": '''
        def vae_train_step(model, optimizer, x, eps):
            model.zero_grad(set_to_none=False)
            loss = model(x, eps)[0]
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            return float(loss)
        '''},
    "sample_images_inference_mode": {"sample_images": '''
        def sample_images(model, z):
            with torch.inference_mode():
                logits = model.decode(z)
            return logits.sigmoid()
        '''},
    "gan_losses_with_bce_helper": {"d_loss": '''
        def d_loss(real_logits, fake_logits):
            real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
            return real + fake
        ''', "g_loss_nonsaturating": '''
        def g_loss_nonsaturating(fake_logits):
            return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        ''', "g_loss_minimax": '''
        def g_loss_minimax(fake_logits):
            return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        '''},
    "gan_losses_logsigmoid": {"d_loss": '''
        def d_loss(real_logits, fake_logits):
            return -F.logsigmoid(real_logits).mean() - F.logsigmoid(-fake_logits).mean()
        ''', "g_loss_nonsaturating": '''
        def g_loss_nonsaturating(fake_logits):
            return -torch.mean(F.logsigmoid(fake_logits))
        ''', "g_loss_minimax": '''
        def g_loss_minimax(fake_logits):
            return torch.mean(F.logsigmoid(-fake_logits))
        '''},
    "gan_losses_cs231n_neg_abs": {"d_loss": '''
        def _bce(logits, target):
            # max(ℓ, 0) − ℓ·y + log(1 + e^−|ℓ|), the CS231n GAN notebook's stable form
            return (logits.clamp(min=0) - logits * target + (1 + (-logits.abs()).exp()).log()).mean()


        def d_loss(real_logits, fake_logits):
            return _bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))
        ''', "g_loss_nonsaturating": '''
        def g_loss_nonsaturating(fake_logits):
            return _bce(fake_logits, torch.ones_like(fake_logits))
        ''', "g_loss_minimax": '''
        def g_loss_minimax(fake_logits):
            return -_bce(fake_logits, torch.zeros_like(fake_logits))
        '''},
    "noise_normal_in_place": {"sample_noise": '''
        def sample_noise(n, z_dim, generator):
            return torch.empty(n, z_dim, dtype=torch.float64).normal_(generator=generator)
        '''},
    "gan_step_no_detach_g_grads_zeroed": {"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            opt_D.zero_grad()
            loss_d = d_loss(D(x_real), D(G(z_d)))  # no detach: G's grads are cleared below
            loss_d.backward()
            opt_D.step()
            opt_G.zero_grad()
            loss_g = g_loss_nonsaturating(D(G(z_g)))
            loss_g.backward()
            opt_G.step()
            return loss_d.item(), loss_g.item()
        '''},
    "gan_step_retain_graph_module_zero_grad": {"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            D.zero_grad()
            G.zero_grad()
            fake = G(z_d)
            loss_d = d_loss(D(x_real), D(fake))
            loss_d.backward(retain_graph=True)
            opt_D.step()
            G.zero_grad(set_to_none=False)
            loss_g = g_loss_nonsaturating(D(G(z_g)))
            loss_g.backward()
            opt_G.step()
            return float(loss_d), float(loss_g)
        '''},
    "gan_step_frozen_d_and_zero_after": {"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            opt_G.zero_grad()
            opt_D.zero_grad()
            with torch.no_grad():
                fake = G(z_d)
            loss_d = d_loss(D(x_real), D(fake))
            loss_d.backward()
            opt_D.step()
            opt_D.zero_grad()
            for p in D.parameters():
                p.requires_grad_(False)
            loss_g = g_loss_nonsaturating(D(G(z_g)))
            loss_g.backward()
            for p in D.parameters():
                p.requires_grad_(True)
            opt_G.step()
            opt_G.zero_grad()
            return loss_d.item(), loss_g.item()
        '''},
    "reparam_exp_in_place_on_a_fresh_tensor": {"reparameterize": '''
        def reparameterize(mu, logvar, eps):
            return mu + eps * logvar.mul(0.5).exp_()
        '''},
    "vae_step_item_before_backward": {"vae_train_step": '''
        def vae_train_step(model, optimizer, x, eps):
            optimizer.zero_grad()
            loss = model(x, eps)[0]
            value = loss.item()
            loss.backward()
            optimizer.step()
            return value
        '''},
    "gan_step_zero_both_once_at_the_start": {"gan_train_step": '''
        def gan_train_step(G, D, opt_G, opt_D, x_real, z_d, z_g):
            opt_G.zero_grad()
            opt_D.zero_grad()
            loss_d = d_loss(D(x_real), D(G(z_d).detach()))
            loss_d.backward()
            opt_D.step()
            loss_g = g_loss_nonsaturating(D(G(z_g)))
            loss_g.backward()
            opt_G.step()
            return loss_d.item(), loss_g.item()
        '''},
}
