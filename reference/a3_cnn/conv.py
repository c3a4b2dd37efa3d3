"""2-D convolution as PyTorch computes it: a cross-correlation over NCHW images, weights (F, C, kH, kW).

``pair`` (an int k means (k, k)) is defined in the notebook's setup cell.
"""
import numpy as np


def conv2d_output_size(H, W, kernel_size, stride=1, padding=0):
    """Ho = ⌊(H + 2p − kH)/s⌋ + 1 and Wo = ⌊(W + 2p − kW)/s⌋ + 1: a window that would run past the padded edge is dropped."""
    (kh, kw), (sh, sw), (ph, pw) = pair(kernel_size), pair(stride), pair(padding)
    return (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1


class Conv2d:
    """out[n, f, i, j] = b[f] + Σ_{c,u,v} W[f, c, u, v] · xp[n, c, i·sh + u, j·sw + v], xp = x zero-padded by p on every side."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
        """kernel_size, stride, padding: an int or a (rows, columns) pair. W ~ N(0, 2/fan_in) (Kaiming) with
        fan_in = C·kH·kW, shape (F, C, kH, kW), drawn from np.random.default_rng(rng); b = 0, shape (F,)."""
        self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
        rng = np.random.default_rng(rng)
        fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
        self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (out_channels, in_channels, *self.kernel_size))
        self.b = np.zeros(out_channels)

    def forward(self, x):
        """x (N, C, H, W) → out (N, F, Ho, Wo) by the formula above, with the layer's current W and b; keeps what backward needs."""
        (ph, pw), (sh, sw) = self.padding, self.stride
        self.x_shape = x.shape
        self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
        return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W) + self.b[:, None, None]

    def backward(self, grad_out):
        """With g = dL/dout (N, F, Ho, Wo): dW[f,c,u,v] = Σ_{n,i,j} g[n,f,i,j]·xp[n,c,i·sh+u, j·sw+v]; db[f] = Σ_{n,i,j} g[n,f,i,j];
        dxp[n,c,i·sh+u, j·sw+v] += Σ_f g[n,f,i,j]·W[f,c,u,v] (overlapping windows add up); returns dx = dxp without its padding."""
        (ph, pw), (sh, sw) = self.padding, self.stride
        Ho, Wo = grad_out.shape[2:]
        self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
        self.db = grad_out.sum(axis=(0, 2, 3))
        per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
        dxp = np.zeros(self.xp.shape)
        for u in range(self.W.shape[2]):
            for v in range(self.W.shape[3]):
                dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
        return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
