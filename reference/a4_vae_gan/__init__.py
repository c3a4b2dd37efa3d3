"""Assignment 4 (VAE and GAN in PyTorch): reference solutions; the API is fixed by assignments/a4_vae_gan/SPEC.md."""
