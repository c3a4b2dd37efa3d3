"""Generative models: the VAE's KL term and reparameterisation, GAN losses, gradients and the optimal
discriminator."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..kinds import Choice, Code, Manual, RelAbs, Vector
from ..template import Template, template
from .cnn import array_text, num_text

DEC = RelAbs(rtol=1e-4, atol=1e-6)
TRANS = RelAbs(rtol=1e-2, atol=1e-3)
DEC_VEC = Vector(rtol=1e-4, atol=1e-6)
TRANS_VEC = Vector(rtol=1e-2, atol=1e-3)
MUS = [-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5]
LOGVARS = [-1.0, -0.5, 0.0, 0.5, 1.0]
PROBS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def kl(mu, logvar, var=None, sign=-1.0, half=0.5):
    """0.5 * sum(sigma^2 + mu^2 - 1 - ln sigma^2); the keywords make the named slips."""
    mu, logvar = np.asarray(mu, float), np.asarray(logvar, float)
    var = np.exp(logvar) if var is None else var
    return float(half * np.sum(var + mu ** 2 - 1 + sign * logvar))


@template(id="vae_kl", topic="vae", kind=TRANS)
class VAEKL(Template):
    """KL(N(mu, diag sigma^2) || N(0, I)) = 1/2 sum_i (sigma_i^2 + mu_i^2 - 1 - ln sigma_i^2), sigma^2 = e^logvar.

        0.5 * np.sum(np.exp(logvar) + mu ** 2 - 1 - logvar)
    """

    title = "VAE: KL divergence to the standard normal"

    def draw(self, rng):
        d = int(rng.choice([2, 3]))
        return dict(mu=[float(v) for v in rng.choice(MUS, size=d)], logvar=[float(v) for v in rng.choice(LOGVARS, size=d)])

    def text(self, p):
        return ("A VAE's encoder outputs the mean `mu` and the log-variance `logvar` (natural log: σ² = e^logvar) "
                "of a diagonal Gaussian q(z|x) = N(μ, diag σ²). What is KL(q(z|x) ‖ N(0, I)), in nats?\n\n"
                + array_text("mu", p["mu"]) + "\n\n" + array_text("logvar", p["logvar"]))

    def answer(self, p):
        return kl(p["mu"], p["logvar"])

    def distractors(self, p):
        mu, lv = p["mu"], p["logvar"]
        return {"σ used in place of σ² (e^(logvar/2))": kl(mu, lv, var=np.exp(np.asarray(lv) / 2)),
                "sign of the log term flipped": kl(mu, lv, sign=1.0),
                "½ forgotten": kl(mu, lv, half=1.0)}


KL_SOLUTION = '''\
def kl_standard_normal(mu, logvar):
    return 0.5 * np.sum(np.exp(logvar) + mu ** 2 - 1 - logvar)
'''

KL_BUGS = {
    "σ used in place of σ²": '''\
def kl_standard_normal(mu, logvar):
    return 0.5 * np.sum(np.exp(logvar / 2) + mu ** 2 - 1 - logvar)
''',
    "sign of the log term flipped": '''\
def kl_standard_normal(mu, logvar):
    return 0.5 * np.sum(np.exp(logvar) + mu ** 2 - 1 + logvar)
''',
    "½ forgotten": '''\
def kl_standard_normal(mu, logvar):
    return np.sum(np.exp(logvar) + mu ** 2 - 1 - logvar)
''',
    "mean over dimensions instead of sum": '''\
def kl_standard_normal(mu, logvar):
    return 0.5 * np.mean(np.exp(logvar) + mu ** 2 - 1 - logvar)
''',
}


@template(id="kl_standard_normal_code", topic="vae", kind=Code(function="kl_standard_normal"))
class KLStandardNormalCode(Template):
    """KL(N(mu, diag e^logvar) || N(0, I)) = 1/2 sum (e^logvar + mu^2 - 1 - logvar), summed over dimensions.

        0.5 * np.sum(np.exp(logvar) + mu ** 2 - 1 - logvar)
    """

    title = "Write the VAE's KL term"

    def draw(self, rng):
        return dict(cases=[[(rng.integers(-20, 21, size=d) / 10).tolist(), (rng.integers(-20, 21, size=d) / 10).tolist()]
                           for d in (1, 2, 3, 5)])

    def text(self, p):
        return ("Write a function `kl_standard_normal(mu, logvar)`. `mu` and `logvar` are 1-D NumPy arrays of "
                "the same length d: the mean and the log-variance (natural log, σ² = e^logvar) of a diagonal "
                "Gaussian N(μ, diag σ²). Return KL(N(μ, diag σ²) ‖ N(0, I)) as one number in nats, summed "
                "over the d dimensions. For example, μ = [1], logvar = [0] gives 0.5.")

    def solution(self, p):
        return KL_SOLUTION

    def cases(self, p):
        return [tuple(c) for c in p["cases"]]

    def distractors(self, p):
        return dict(KL_BUGS)


@template(id="vae_reparameterisation", topic="vae", kind=TRANS_VEC)
class VAEReparameterisation(Template):
    """z = mu + sigma * eps with sigma = e^(logvar / 2).

        mu + np.exp(logvar / 2) * eps
    """

    title = "VAE: the reparameterisation trick"

    def draw(self, rng):
        return dict(mu=[float(v) for v in rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0], size=3)],
                    logvar=[float(v) for v in rng.choice([-2.0, -1.0, 0.0, 1.0, 2.0], size=3)],
                    eps=[float(v) for v in rng.choice([-1.5, -1.0, -0.5, 0.5, 1.0, 1.5], size=3)])

    def text(self, p):
        return ("A VAE's encoder outputs `mu` and `logvar` (natural log of the variance, σ² = e^logvar) for a "
                "3-dimensional latent. With the reparameterisation trick and the standard-normal noise "
                "sample `eps` below, what is the latent sample z?\n\n" + array_text("mu", p["mu"]) + "\n\n"
                + array_text("logvar", p["logvar"]) + "\n\n" + array_text("eps", p["eps"]))

    def answer(self, p):
        return (np.array(p["mu"]) + np.exp(np.array(p["logvar"]) / 2) * np.array(p["eps"])).tolist()

    def distractors(self, p):
        mu, lv, eps = np.array(p["mu"]), np.array(p["logvar"]), np.array(p["eps"])
        return {"variance used as the standard deviation": (mu + np.exp(lv) * eps).tolist(),
                "logvar used as the standard deviation": (mu + lv * eps).tolist(),
                "noise not scaled": (mu + eps).tolist()}


@template(id="gan_discriminator_loss", topic="gan", kind=TRANS)
class GANDiscriminatorLoss(Template):
    """L_D = -ln D(x) - ln(1 - D(G(z))): BCE with label 1 on the real and 0 on the generated sample.
    D(x) = D(G(z)) = 0.5 gives 2 ln 2.

        -log(a) - log(1 - b)
    """

    title = "GAN discriminator loss"

    def draw(self, rng):
        return dict(a=float(rng.choice(PROBS)), b=float(rng.choice(PROBS)))

    def text(self, p):
        return (f"A GAN's discriminator outputs D(x) = {num_text(p['a'])} on a real example x and "
                f"D(G(z)) = {num_text(p['b'])} on a generated one (D is the probability of 'real'). Its loss "
                f"is the binary cross-entropy with label 1 for the real and label 0 for the generated example, "
                f"summed over the two examples, with the natural log ln. What is the discriminator's loss?")

    def answer(self, p):
        return -math.log(p["a"]) - math.log(1 - p["b"])

    def distractors(self, p):
        a, b = p["a"], p["b"]
        return {"labels swapped": -math.log(1 - a) - math.log(b),
                "generated term not flipped (−ln D(G(z)))": -math.log(a) - math.log(b),
                "log base 10": -math.log10(a) - math.log10(1 - b),
                "sign error (the value function V, not the loss)": math.log(a) + math.log(1 - b)}


@template(id="gan_generator_gradients", topic="gan", kind=DEC_VEC)
class GANGeneratorGradients(Template):
    """D = sigma(l). Minimax generator loss ln(1 - D): d/dl = -sigma(l) = -D. Non-saturating loss -ln D:
    d/dl = -(1 - D). When D(G(z)) is near 0 the minimax gradient vanishes.

        [-b, -(1 - b)]
    """

    title = "GAN generator losses: gradients at the logit"

    def draw(self, rng):
        return dict(b=float(rng.choice([0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.6, 0.7, 0.75, 0.8, 0.9])))

    def text(self, p):
        return (f"The discriminator outputs D(G(z)) = σ(ℓ) = {num_text(p['b'])} on a generated sample, where ℓ is "
                f"its logit and σ the sigmoid. The generator can minimise the minimax loss ln(1 − D(G(z))) or "
                f"the non-saturating loss −ln D(G(z)) (natural log). Give [∂/∂ℓ of the minimax loss, "
                f"∂/∂ℓ of the non-saturating loss].")

    def answer(self, p):
        return [-p["b"], -(1 - p["b"])]

    def distractors(self, p):
        b = p["b"]
        return {"the two losses swapped": [-(1 - b), -b],
                "derivative with respect to D, not the logit": [-1 / (1 - b), -1 / b],
                "signs flipped": [b, 1 - b]}


@template(id="gan_saturation", topic="gan", kind=Choice())
class GANSaturation(Template):
    """With D(G(z)) = sigma(l) = b near 0, d/dl ln(1 - sigma(l)) = -b is near 0 (the minimax loss
    saturates), while d/dl [-ln sigma(l)] = -(1 - b) is near -1."""

    title = "Which GAN generator loss saturates"

    def draw(self, rng):
        return dict(b=float(rng.choice([0.01, 0.02, 0.05, 0.1])))

    def text(self, p):
        return (f"Early in training the discriminator confidently rejects generated samples: "
                f"D(G(z)) = σ(ℓ) = {num_text(p['b'])}, with ℓ the discriminator's logit. Which generator loss "
                f"saturates (gives the generator almost no gradient), and why? (ln is the natural log.)")

    def answer(self, p):
        b, c = num_text(p["b"]), num_text(round(1 - p["b"], 2))
        return (f"The minimax loss ln(1 − D(G(z))): its gradient with respect to ℓ is −{b}, while the "
                f"non-saturating loss −ln D(G(z)) has gradient −{c}.")

    def distractors(self, p):
        b, c = num_text(p["b"]), num_text(round(1 - p["b"], 2))
        return {"the two losses swapped":
                    f"The non-saturating loss −ln D(G(z)): its gradient with respect to ℓ is −{b}, while the "
                    f"minimax loss ln(1 − D(G(z))) has gradient −{c}.",
                "the losses thought to differ by a constant":
                    f"Neither: the two losses differ only by a constant, so both have gradient −{c} with respect to ℓ.",
                "both thought to saturate":
                    f"Both: each has gradient −{b} with respect to ℓ, so only a larger learning rate helps."}


@template(id="gan_optimal_discriminator", topic="gan", kind=DEC)
class GANOptimalDiscriminator(Template):
    """For a fixed G, D*(x) = p_data(x) / (p_data(x) + p_g(x)) maximises
    p_data ln D + p_g ln(1 - D) pointwise.

        pd / (pd + pg)
    """

    title = "GAN: the optimal discriminator"

    def draw(self, rng):
        pd, pg = (float(v) for v in rng.choice([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.2, 1.5], size=2))
        den = Fraction(str(pd)) / (Fraction(str(pd)) + Fraction(str(pg)))
        q = den.denominator
        while q % 2 == 0:
            q //= 2
        while q % 5 == 0:
            q //= 5
        return dict(pd=pd, pg=pg) if pd != pg and q == 1 else None  # D* a terminating decimal

    def text(self, p):
        return (f"A GAN's discriminator maximises V(D, G) = E_(x∼p_data)[ln D(x)] + E_(x∼p_g)[ln(1 − D(x))] for a "
                f"fixed generator. At a point x the data density is p_data(x) = {num_text(p['pd'])} and the "
                f"generator's density is p_g(x) = {num_text(p['pg'])}. What is the optimal discriminator's "
                f"output D*(x)?")

    def answer(self, p):
        return p["pd"] / (p["pd"] + p["pg"])

    def distractors(self, p):
        pd, pg = p["pd"], p["pg"]
        return {"p_g on top": pg / (pd + pg),
                "density ratio p_data/p_g": pd / pg,
                "the equilibrium value ½": 0.5}


@template(id="gan_saturation_explain", topic="gan", kind=Manual())
class GANSaturationExplain(Template):
    """Free answer: the minimax generator loss ln(1 - sigma(l)) has gradient -sigma(l) at the logit, which
    vanishes when D rejects fakes; -ln sigma(l) has gradient -(1 - sigma(l)) and keeps the same fixed point."""

    title = "Explain why the minimax generator loss saturates"

    def draw(self, rng):
        return dict(b=float(rng.choice([0.01, 0.02, 0.05, 0.1])))

    def text(self, p):
        return (f"Early in training a GAN's discriminator outputs D(G(z)) ≈ {num_text(p['b'])} on generated "
                f"samples. Explain, with the gradient with respect to the discriminator's logit ℓ "
                f"(D = σ(ℓ)), why the generator learns slowly if it minimises ln(1 − D(G(z))), and what "
                f"the non-saturating loss changes. Does the change alter the fixed point D = p_data/(p_data + p_g)?")

    def answer(self, p):
        b = num_text(p["b"])
        return (f"With D = σ(ℓ), d/dℓ ln(1 − σ(ℓ)) = −σ(ℓ) = −D(G(z)) ≈ −{b}: when the discriminator rejects "
                f"the fakes confidently, the loss is flat (it saturates near ln 1 = 0) and almost no gradient "
                f"reaches the generator, exactly when it most needs one. The non-saturating loss −ln D(G(z)) "
                f"has d/dℓ = −(1 − σ(ℓ)) ≈ −{num_text(round(1 - p['b'], 2))}, a strong signal early on. Both "
                f"losses push D(G(z)) up, so the generator's goal is the same; the discriminator's objective "
                f"is untouched, so its optimum for a fixed generator is still p_data/(p_data + p_g). "
                f"(Marks: gradient of each loss at the logit; saturation when D(G(z)) → 0; the swap keeps "
                f"the same direction/fixed point.)")
