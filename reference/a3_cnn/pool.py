"""Max and average pooling: no padding; the stride defaults to the kernel size."""
import numpy as np


class MaxPool2d:
    """out[n, c, i, j] = max_{u,v} x[n, c, i·sh + u, j·sw + v] over a kH × kW window."""

    def __init__(self, kernel_size, stride=None):
        """stride=None means stride = kernel_size (windows side by side)."""
        self.kernel_size = pair(kernel_size)
        self.stride = self.kernel_size if stride is None else pair(stride)

    def forward(self, x):
        """x (N, C, H, W) → (N, C, Ho, Wo), the max of each window; remembers where each maximum is, for backward."""
        (sh, sw), self.x_shape = self.stride, x.shape
        windows = np.lib.stride_tricks.sliding_window_view(x, self.kernel_size, axis=(2, 3))[:, :, ::sh, ::sw]
        flat = windows.reshape(*windows.shape[:4], -1)
        self.argmax = flat.argmax(axis=-1)
        return flat.max(axis=-1)

    def backward(self, grad_out):
        """Each window's gradient goes to its max only: dx[n,c,i·sh+u, j·sw+v] += g[n,c,i,j] where (u, v) is the argmax
        (overlapping windows add up)."""
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        Ho, Wo = grad_out.shape[2:]
        dx = np.zeros(self.x_shape)
        for u in range(kh):
            for v in range(kw):
                dx[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += grad_out * (self.argmax == u * kw + v)
        return dx


class AvgPool2d:
    """out[n, c, i, j] = (1/(kH·kW)) Σ_{u,v} x[n, c, i·sh + u, j·sw + v]."""

    def __init__(self, kernel_size, stride=None):
        """stride=None means stride = kernel_size."""
        self.kernel_size = pair(kernel_size)
        self.stride = self.kernel_size if stride is None else pair(stride)

    def forward(self, x):
        """x (N, C, H, W) → (N, C, Ho, Wo), the mean of each window."""
        (sh, sw), self.x_shape = self.stride, x.shape
        windows = np.lib.stride_tricks.sliding_window_view(x, self.kernel_size, axis=(2, 3))[:, :, ::sh, ::sw]
        return windows.mean(axis=(-2, -1))

    def backward(self, grad_out):
        """Every input of a window gets g/(kH·kW): dx[n,c,i·sh+u, j·sw+v] += g[n,c,i,j]/(kH·kW) (overlaps add up)."""
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        Ho, Wo = grad_out.shape[2:]
        dx = np.zeros(self.x_shape)
        for u in range(kh):
            for v in range(kw):
                dx[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += grad_out / (kh * kw)
        return dx
