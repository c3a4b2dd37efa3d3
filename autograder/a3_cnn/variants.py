"""Student variants of Assignment 3-CNN (convolution and pooling in NumPy), as overrides of the reference solution.

``BUGGY``: one realistic mistake each, written the way students write it; the hidden graders must take points
away, and some failing test's message must contain ``mistake`` (case-insensitive).

``CORRECT``: right per ``assignments/a3_cnn/SPEC.md`` but written differently from ``reference/a3_cnn/`` (seven
plain loops, CS231n's window loops, im2col with col2im by ``np.add.at``, ``tensordot`` per position, FFT, a strided
conv as a stride-1 conv plus subsampling, dx as a full convolution of the dilated g with the flipped kernel,
max-pool through an equality mask, ...); the hidden graders must give them full marks.

Each override replaces one top-level function or class (``"Conv2d"``) or one method (``"Conv2d.backward"``) of
the concatenated reference code; see :mod:`autograder.variants.overrides`. Sources: DESIGN_NEXT §4.3 (bugs with
evidence) and §4.4 (unusual but correct).
"""
from __future__ import annotations

from autograder.variants import Variant

# ------------------------------------------------------------------------------------------------------
# Conv2d as seven nested loops (and four more for backward): the slowest correct solution there is, and the
# plainest. Right as written (CORRECT["conv_seven_plain_loops"]); several BUGGY variants are it with one slip.
_LOOP_CONV = '''
class Conv2d:
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
        rng = np.random.default_rng(rng)
        self.kh, self.kw = pair(kernel_size)
        self.sh, self.sw = pair(stride)
        self.ph, self.pw = pair(padding)
        fan_in = in_channels * self.kh * self.kw
        self.W = rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(out_channels, in_channels, self.kh, self.kw))
        self.b = np.zeros(out_channels)

    def forward(self, x):
        N, C, H, W = x.shape
        F = self.W.shape[0]
        Ho = (H + 2 * self.ph - self.kh) // self.sh + 1
        Wo = (W + 2 * self.pw - self.kw) // self.sw + 1
        xp = np.zeros((N, C, H + 2 * self.ph, W + 2 * self.pw))
        xp[:, :, self.ph:self.ph + H, self.pw:self.pw + W] = x
        out = np.zeros((N, F, Ho, Wo))
        for n in range(N):
            for f in range(F):
                for i in range(Ho):
                    for j in range(Wo):
                        total = self.b[f]
                        for c in range(C):
                            for u in range(self.kh):
                                for v in range(self.kw):
                                    total += self.W[f, c, u, v] * xp[n, c, i * self.sh + u, j * self.sw + v]
                        out[n, f, i, j] = total
        self.cache = (x.shape, xp)
        return out

    def backward(self, grad_out):
        (N, C, H, W), xp = self.cache
        _, F, Ho, Wo = grad_out.shape
        dxp = np.zeros(xp.shape)
        dW = np.zeros(self.W.shape)
        db = np.zeros(F)
        for n in range(N):
            for f in range(F):
                for i in range(Ho):
                    for j in range(Wo):
                        g = grad_out[n, f, i, j]
                        db[f] += g
                        for c in range(C):
                            for u in range(self.kh):
                                for v in range(self.kw):
                                    r, s = i * self.sh + u, j * self.sw + v
                                    dW[f, c, u, v] += g * xp[n, c, r, s]
                                    dxp[n, c, r, s] += g * self.W[f, c, u, v]
        self.dW, self.db = dW, db
        return dxp[:, :, self.ph:self.ph + H, self.pw:self.pw + W]
'''

# CS231n's "naive" conv: four loops, NumPy over each window; its backward writes whole windows at once.
_WINDOW_CONV = '''
class Conv2d:
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
        rng = np.random.default_rng(rng)
        kh, kw = pair(kernel_size)
        self.stride, self.padding = pair(stride), pair(padding)
        self.W = rng.normal(0.0, np.sqrt(2 / (in_channels * kh * kw)), (out_channels, in_channels, kh, kw))
        self.b = np.zeros(out_channels)

    def forward(self, x):
        (sh, sw), (ph, pw) = self.stride, self.padding
        F, C, kh, kw = self.W.shape
        self.x = x
        self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
        N, _, Hp, Wp = self.xp.shape
        Ho, Wo = (Hp - kh) // sh + 1, (Wp - kw) // sw + 1
        out = np.zeros((N, F, Ho, Wo))
        for n in range(N):
            for f in range(F):
                for i in range(Ho):
                    for j in range(Wo):
                        window = self.xp[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                        out[n, f, i, j] = np.sum(window * self.W[f]) + self.b[f]
        return out

    def backward(self, grad_out):
        (sh, sw), (ph, pw) = self.stride, self.padding
        F, C, kh, kw = self.W.shape
        N, _, Ho, Wo = grad_out.shape
        H, W = self.x.shape[2:]
        dxp = np.zeros_like(self.xp)
        self.dW = np.zeros_like(self.W)
        self.db = np.sum(grad_out, axis=(0, 2, 3))
        for n in range(N):
            for f in range(F):
                for i in range(Ho):
                    for j in range(Wo):
                        window = self.xp[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                        self.dW[f] += grad_out[n, f, i, j] * window
                        dxp[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += grad_out[n, f, i, j] * self.W[f]
        return dxp[:, :, ph:ph + H, pw:pw + W]
'''

# Loops over the output positions only, NumPy over the batch, kernels and channels (einsum per window): a
# common middle way; right as written (CORRECT["conv_loops_over_positions"]), and the base of backward slips.
_POSITION_CONV = '''
class Conv2d:
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
        rng = np.random.default_rng(rng)
        kh, kw = pair(kernel_size)
        self.stride, self.padding = pair(stride), pair(padding)
        self.W = rng.normal(0.0, np.sqrt(2 / (in_channels * kh * kw)), (out_channels, in_channels, kh, kw))
        self.b = np.zeros(out_channels)

    def forward(self, x):
        (sh, sw), (ph, pw) = self.stride, self.padding
        F, C, kh, kw = self.W.shape
        self.x = x
        self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        N, _, Hp, Wp = self.xp.shape
        Ho, Wo = (Hp - kh) // sh + 1, (Wp - kw) // sw + 1
        out = np.zeros((N, F, Ho, Wo))
        for i in range(Ho):
            for j in range(Wo):
                window = self.xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                out[:, :, i, j] = np.einsum("ncuv,fcuv->nf", window, self.W) + self.b
        return out

    def backward(self, grad_out):
        (sh, sw), (ph, pw) = self.stride, self.padding
        F, C, kh, kw = self.W.shape
        Ho, Wo = grad_out.shape[2:]
        H, W = self.x.shape[2:]
        dxp = np.zeros(self.xp.shape)
        self.dW = np.zeros(self.W.shape)
        self.db = grad_out.sum(axis=(0, 2, 3))
        for i in range(Ho):
            for j in range(Wo):
                window = self.xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                g = grad_out[:, :, i, j]
                self.dW += np.einsum("nf,ncuv->fcuv", g, window)
                dxp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += np.einsum("nf,fcuv->ncuv", g, self.W)
        return dxp[:, :, ph:ph + H, pw:pw + W]
'''

# Max-pooling with loops and np.unravel_index, 11-785 style; right as written (CORRECT["maxpool_loops_unravel"]).
_LOOP_MAXPOOL = '''
class MaxPool2d:
    def __init__(self, kernel_size, stride=None):
        self.kh, self.kw = pair(kernel_size)
        self.sh, self.sw = pair(kernel_size if stride is None else stride)

    def forward(self, x):
        N, C, H, W = x.shape
        Ho, Wo = (H - self.kh) // self.sh + 1, (W - self.kw) // self.sw + 1
        self.x = x
        out = np.zeros((N, C, Ho, Wo))
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * self.sh, j * self.sw
                out[:, :, i, j] = x[:, :, r:r + self.kh, s:s + self.kw].max(axis=(2, 3))
        return out

    def backward(self, grad_out):
        N, C, Ho, Wo = grad_out.shape
        dx = np.zeros_like(self.x)
        for n in range(N):
            for c in range(C):
                for i in range(Ho):
                    for j in range(Wo):
                        r, s = i * self.sh, j * self.sw
                        window = self.x[n, c, r:r + self.kh, s:s + self.kw]
                        u, v = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, c, r + u, s + v] += grad_out[n, c, i, j]
        return dx
'''

_TRAIN = '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    rng = np.random.default_rng(rng)
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    opt = Adam(lr)
    N = X.shape[0]
    for epoch in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            logits = model.forward(X[idx])
            model.backward(softmax_cross_entropy_grad(logits, y[idx]))
            model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''


def _slip(base: str, old: str, new: str) -> str:
    assert base.count(old) == 1, old
    return base.replace(old, new)


BUGGY: dict[str, Variant] = {
    # ------------------------------------------------------------------ output size (test_output_size)
    "output_size_true_division": Variant({"conv2d_output_size": '''
def conv2d_output_size(H, W, kernel_size, stride=1, padding=0):
    kh, kw = pair(kernel_size)
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    return (H + 2 * ph - kh) / sh + 1, (W + 2 * pw - kw) / sw + 1
'''}, mistake="//"),
    "output_size_without_plus_one": Variant({"conv2d_output_size": '''
def conv2d_output_size(H, W, kernel_size, stride=1, padding=0):
    kh, kw = pair(kernel_size)
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    return (H + 2 * ph - kh) // sh, (W + 2 * pw - kw) // sw
'''}, mistake="+1"),
    "output_size_ceil": Variant({"conv2d_output_size": '''
def conv2d_output_size(H, W, kernel_size, stride=1, padding=0):
    kh, kw = pair(kernel_size)
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    return math.ceil((H + 2 * ph - kh) / sh) + 1, math.ceil((W + 2 * pw - kw) / sw) + 1
'''}, mistake="rounded up"),
    "output_size_padding_once": Variant({"conv2d_output_size": '''
def conv2d_output_size(H, W, kernel_size, stride=1, padding=0):
    kh, kw = pair(kernel_size)
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    return (H + ph - kh) // sh + 1, (W + pw - kw) // sw + 1
'''}, mistake="counted once"),
    "output_size_rows_and_columns_mixed": Variant({"conv2d_output_size": '''
def conv2d_output_size(H, W, kernel_size, stride=1, padding=0):
    kh, kw = pair(kernel_size)
    s, p = pair(stride)[0], pair(padding)[0]  # only square strides and paddings in mind
    return (H + 2 * p - kh) // s + 1, (W + 2 * p - kw) // s + 1
'''}, mistake="second entry"),

    # ------------------------------------------------------------------ initialisation (test_conv_init)
    "init_fan_in_channels_only": Variant({"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    self.W = rng.normal(0.0, np.sqrt(2 / in_channels), (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros(out_channels)
'''}, mistake="kernel area counts"),
    "init_variance_as_std": Variant({"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
    self.W = rng.normal(0.0, 2 / fan_in, (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros(out_channels)
'''}, mistake="standard deviation"),
    "init_channels_last_layout": Variant({"Conv2d": '''
class Conv2d:  # needle's layout (kH, kW, C, F), used consistently inside
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
        self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
        rng = np.random.default_rng(rng)
        fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
        self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (*self.kernel_size, in_channels, out_channels))
        self.b = np.zeros(out_channels)

    def forward(self, x):
        (ph, pw), (sh, sw) = self.padding, self.stride
        self.x_shape = x.shape
        self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[:2], axis=(2, 3))[:, :, ::sh, ::sw]
        return np.einsum("nchwuv,uvcf->nfhw", self.windows, self.W) + self.b[:, None, None]

    def backward(self, grad_out):
        (ph, pw), (sh, sw) = self.padding, self.stride
        Ho, Wo = grad_out.shape[2:]
        self.dW = np.einsum("nfhw,nchwuv->uvcf", grad_out, self.windows)
        self.db = grad_out.sum(axis=(0, 2, 3))
        per_offset = np.einsum("nfhw,uvcf->nchwuv", grad_out, self.W)
        dxp = np.zeros(self.xp.shape)
        for u in range(self.W.shape[0]):
            for v in range(self.W.shape[1]):
                dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
        return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''}, mistake="channels-last"),
    "init_ignores_rng": Variant({"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng()
    fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
    self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros(out_channels)
'''}, mistake="np.random.default_rng(rng)"),
    "init_kernel_pair_swapped": Variant({"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    kw, kh = pair(kernel_size)  # (width, height), as in image libraries
    self.kernel_size, self.stride, self.padding = (kh, kw), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    self.W = rng.normal(0.0, np.sqrt(2 / (in_channels * kh * kw)), (out_channels, in_channels, kh, kw))
    self.b = np.zeros(out_channels)
'''}, mistake="kH = 3 rows"),
    "init_drawn_in_out_then_swapped": Variant({"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    kh, kw = self.kernel_size
    std = math.sqrt(2.0 / (in_channels * kh * kw))
    # drawn the way ConvTranspose2d stores its weight, (in, out, kH, kW), then put into Conv2d's order
    self.W = np.swapaxes(rng.normal(0.0, std, (in_channels, out_channels, kh, kw)), 0, 1)
    self.b = np.zeros(out_channels)
'''}, mistake="drawn in the shape (C, F, kH, kW)"),

    # ------------------------------------------------------------------ forward (test_conv_forward, test_conv_stride_padding)
    "forward_flipped_kernel": Variant({"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    # a textbook convolution: the kernel rotated by 180 degrees
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W[:, :, ::-1, ::-1]) + self.b[:, None, None]
'''}, mistake="flipped"),
    "forward_without_bias": Variant({"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W)
'''}, mistake="bias b is missing"),
    "forward_padding_after_only": Variant({"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (0, 2 * ph), (0, 2 * pw)))  # the padding all after the image
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W) + self.b[:, None, None]
'''}, mistake="all after the image"),
    "forward_ignores_stride": Variant({"Conv2d.forward": '''
def forward(self, x):
    ph, pw = self.padding
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W) + self.b[:, None, None]
'''}, mistake="stride is ignored"),
    "forward_windows_not_strided": Variant({"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho, Wo = conv2d_output_size(x.shape[2], x.shape[3], self.W.shape[2:], self.stride, self.padding)
    # the first Ho × Wo windows, not every s-th one
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, :Ho, :Wo]
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W) + self.b[:, None, None]
'''}, mistake="missing from the window position"),
    "forward_stride_pair_swapped": Variant({"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.padding = pair(kernel_size), pair(padding)
    sw, sh = pair(stride)  # (x, y) order
    self.stride = (sh, sw)
    rng = np.random.default_rng(rng)
    fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
    self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros(out_channels)
'''}, mistake="wrong way round"),
    "forward_channels_not_summed": Variant({"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    # one output map per kernel and input channel
    return np.einsum("nchwuv,fcuv->nfchw", self.windows, self.W) + self.b[:, None, None, None]
'''}, mistake="input channels are not summed"),
    "forward_padded_copy_empty_at_padding_0": Variant({"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    N, C, H, W = x.shape
    self.x_shape = x.shape
    self.xp = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    self.xp[:, :, ph:ph + H, pw:-pw] = x  # the image in the middle, zeros around it
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W) + self.b[:, None, None]
'''}, mistake="empty slice"),
    "forward_kernel_prepared_in_init": Variant({"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
    self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros(out_channels)
    self.kernel = self.W.transpose(1, 2, 3, 0)  # (C, kH, kW, F), ready for tensordot
''', "Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.tensordot(self.windows, self.kernel, axes=([1, 4, 5], [0, 1, 2]))  # (N, Ho, Wo, F)
    return out.transpose(0, 3, 1, 2) + self.b[:, None, None]
'''}, mistake="assigned after construction"),

    # ------------------------------------------------------------------ backward: dx (test_conv_backward_input)
    "backward_dx_empty_slice_at_padding_0": Variant({"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:-ph, pw:-pw]
'''}, mistake="empty"),
    "backward_dx_keeps_padding": Variant({"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp
'''}, mistake="still carries the padding"),
    "backward_dx_windows_assign": Variant({"Conv2d": _slip(
        _POSITION_CONV, 'dxp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += np.einsum("nf,fcuv->ncuv", g, self.W)',
        'dxp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] = np.einsum("nf,fcuv->ncuv", g, self.W)')},
        mistake="overwrite"),
    "backward_without_stride": Variant({"Conv2d": _slip(
        _POSITION_CONV, '''                window = self.xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                g = grad_out[:, :, i, j]
                self.dW += np.einsum("nf,ncuv->fcuv", g, window)
                dxp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += np.einsum("nf,fcuv->ncuv", g, self.W)''',
        '''                window = self.xp[:, :, i:i + kh, j:j + kw]
                g = grad_out[:, :, i, j]
                self.dW += np.einsum("nf,ncuv->fcuv", g, window)
                dxp[:, :, i:i + kh, j:j + kw] += np.einsum("nf,fcuv->ncuv", g, self.W)''')},
        mistake="stride is missing in backward"),
    "backward_dx_flipped_kernel": Variant({"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(0, 2, 3))
    # "the backward pass of a convolution is a convolution with the flipped kernel"
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W[:, :, ::-1, ::-1])
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''}, mistake="flipped"),
    "backward_dx_divided_by_N": Variant({"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    N, _, Ho, Wo = grad_out.shape
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]] / N
'''}, mistake="divide by the batch size"),

    # ------------------------------------------------------------------ backward: dW, db (test_conv_backward_params)
    "backward_accumulates": Variant({"Conv2d": _slip(
        _POSITION_CONV, "        self.dW = np.zeros(self.W.shape)\n        self.db = grad_out.sum(axis=(0, 2, 3))\n",
        "        if not hasattr(self, 'dW'):  # PyTorch's habit: gradients accumulate\n"
        "            self.dW = np.zeros(self.W.shape)\n            self.db = np.zeros(self.W.shape[0])\n"
        "        self.db = self.db + grad_out.sum(axis=(0, 2, 3))\n")}, mistake="+="),
    "backward_dW_channels_swapped": Variant({"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->cfuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''}, mistake="(C, F, kH, kW)"),
    "backward_db_per_image": Variant({"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''}, mistake="sums over the batch too"),
    "backward_dW_last_image_only": Variant({"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.db = grad_out.sum(axis=(0, 2, 3))
    dxp = np.zeros(self.xp.shape)
    for n in range(grad_out.shape[0]):  # one image at a time
        self.dW = np.einsum("fhw,chwuv->fcuv", grad_out[n], self.windows[n])
        per_offset = np.einsum("fhw,fcuv->chwuv", grad_out[n], self.W)
        for u in range(self.W.shape[2]):
            for v in range(self.W.shape[3]):
                dxp[n, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''}, mistake="last image"),
    "backward_db_mean_over_batch": Variant({"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(2, 3)).mean(axis=0)
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''}, mistake="divide by the batch size"),
    "backward_dW_flipped": Variant({"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)[:, :, ::-1, ::-1]
    self.db = grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''}, mistake="dW is flipped"),

    # ------------------------------------------------------------------ max pooling (test_maxpool)
    "maxpool_gradient_to_every_position": Variant({"MaxPool2d.backward": '''
def backward(self, grad_out):
    (kh, kw), (sh, sw) = self.kernel_size, self.stride
    Ho, Wo = grad_out.shape[2:]
    dx = np.zeros(self.x_shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += grad_out
    return dx
'''}, mistake="every position"),
    "maxpool_windows_assign": Variant({"MaxPool2d": _slip(
        _LOOP_MAXPOOL, '''                        u, v = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, c, r + u, s + v] += grad_out[n, c, i, j]''',
        '''                        mask = window == window.max()
                        dx[n, c, r:r + self.kh, s:s + self.kw] = mask * grad_out[n, c, i, j]''')},
        mistake="overwrite"),
    "maxpool_gradient_to_first_position": Variant({"MaxPool2d.backward": '''
def backward(self, grad_out):
    (kh, kw), (sh, sw) = self.kernel_size, self.stride
    Ho, Wo = grad_out.shape[2:]
    dx = np.zeros(self.x_shape)
    dx[:, :, 0:sh * Ho:sh, 0:sw * Wo:sw] += grad_out  # the corner of each window
    return dx
'''}, mistake="first position"),
    "maxpool_unravel_with_kh": Variant({"MaxPool2d": _slip(
        _LOOP_MAXPOOL, "u, v = np.unravel_index(np.argmax(window), window.shape)",
        "u, v = divmod(int(np.argmax(window)), self.kh)")}, mistake="unravelled with kH"),
    "maxpool_stride_defaults_to_1": Variant({"MaxPool2d.__init__": '''
def __init__(self, kernel_size, stride=None):
    self.kernel_size = pair(kernel_size)
    self.stride = pair(1 if stride is None else stride)
'''}, mistake="stride = kernel_size"),
    "maxpool_argmax_of_the_whole_channel": Variant({"MaxPool2d": _slip(
        _LOOP_MAXPOOL, "u, v = np.unravel_index(np.argmax(window), window.shape)\n"
                       "                        dx[n, c, r + u, s + v] += grad_out[n, c, i, j]",
        "u, v = np.unravel_index(np.argmax(self.x[n, c]), self.x.shape[2:])  # argmax without the window\n"
        "                        dx[n, c, u, v] += grad_out[n, c, i, j]")}, mistake="whole channel"),

    # ------------------------------------------------------------------ average pooling (test_avgpool)
    "avgpool_backward_without_division": Variant({"AvgPool2d.backward": '''
def backward(self, grad_out):
    (kh, kw), (sh, sw) = self.kernel_size, self.stride
    Ho, Wo = grad_out.shape[2:]
    dx = np.zeros(self.x_shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += grad_out
    return dx
'''}, mistake="1/(kH·kW)"),
    "avgpool_windows_assign": Variant({"AvgPool2d.backward": '''
def backward(self, grad_out):
    (kh, kw), (sh, sw) = self.kernel_size, self.stride
    N, C, Ho, Wo = grad_out.shape
    dx = np.zeros(self.x_shape)
    for i in range(Ho):
        for j in range(Wo):
            dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] = grad_out[:, :, i:i + 1, j:j + 1] / (kh * kw)
    return dx
'''}, mistake="overwrite"),
    "avgpool_forward_sums": Variant({"AvgPool2d.forward": '''
def forward(self, x):
    (sh, sw), self.x_shape = self.stride, x.shape
    windows = np.lib.stride_tricks.sliding_window_view(x, self.kernel_size, axis=(2, 3))[:, :, ::sh, ::sw]
    return windows.sum(axis=(-2, -1))
'''}, mistake="divides by kH·kW"),
    "avgpool_divides_by_kh_squared": Variant({"AvgPool2d.backward": '''
def backward(self, grad_out):
    k, (sh, sw) = self.kernel_size[0], self.stride
    Ho, Wo = grad_out.shape[2:]
    dx = np.zeros(self.x_shape)
    for u in range(self.kernel_size[0]):
        for v in range(self.kernel_size[1]):
            dx[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += grad_out / (k * k)
    return dx
'''}, mistake="kH²"),

    # ------------------------------------------------------------------ Flatten and the residual block (test_flatten_residual)
    "flatten_channels_last": Variant({"Flatten": '''
class Flatten:
    def forward(self, x):
        self.x_shape = x.shape
        return x.transpose(0, 2, 3, 1).reshape(x.shape[0], -1)  # TensorFlow's NHWC order

    def backward(self, grad_out):
        N, C, H, W = self.x_shape
        return grad_out.reshape(N, H, W, C).transpose(0, 3, 1, 2)
'''}, mistake="channels-last"),
    "flatten_reshapes_its_input_in_place": Variant({"Flatten": '''
class Flatten:
    def forward(self, x):
        self.shape = x.shape
        x.shape = (x.shape[0], x[0].size)  # no copy
        return x

    def backward(self, grad_out):
        return grad_out.reshape(self.shape)
'''}, mistake="reshaped it in place"),
    "residual_without_skip": Variant({"ResidualBlock": '''
class ResidualBlock:
    def __init__(self, channels, rng=None):
        rng = np.random.default_rng(rng)
        self.conv1 = Conv2d(channels, channels, 3, padding=1, rng=rng)
        self.conv2 = Conv2d(channels, channels, 3, padding=1, rng=rng)

    def forward(self, x):
        self.z1 = self.conv1.forward(x)
        self.z2 = self.conv2.forward(relu(self.z1))
        return relu(self.z2)

    def backward(self, grad_out):
        g2 = grad_out * relu_grad(self.z2)
        return self.conv1.backward(self.conv2.backward(g2) * relu_grad(self.z1))
'''}, mistake="skip connection is missing"),
    "residual_skip_missing_in_backward": Variant({"ResidualBlock.backward": '''
def backward(self, grad_out):
    g2 = grad_out * relu_grad(self.z2)
    return self.conv1.backward(self.conv2.backward(g2) * relu_grad(self.z1))
'''}, mistake="skip path is missing from backward"),
    "residual_skip_gradient_without_relu_mask": Variant({"ResidualBlock.backward": '''
def backward(self, grad_out):
    g2 = grad_out * relu_grad(self.z2)
    return grad_out + self.conv1.backward(self.conv2.backward(g2) * relu_grad(self.z1))
'''}, mistake="skip path gets g itself"),
    "residual_one_mask_for_both_relus": Variant({"ResidualBlock.backward": '''
def backward(self, grad_out):
    active = self.z2 > 0  # where the block's output is positive
    g2 = grad_out * active
    return g2 + self.conv1.backward(self.conv2.backward(g2) * active)
'''}, mistake="masked with relu'(z₂)"),
    "residual_relu_before_add": Variant({"ResidualBlock": '''
class ResidualBlock:
    def __init__(self, channels, rng=None):
        rng = np.random.default_rng(rng)
        self.conv1 = Conv2d(channels, channels, 3, padding=1, rng=rng)
        self.conv2 = Conv2d(channels, channels, 3, padding=1, rng=rng)

    def forward(self, x):
        self.z1 = self.conv1.forward(x)
        self.z2 = self.conv2.forward(relu(self.z1))
        return relu(self.z2) + x

    def backward(self, grad_out):
        return grad_out + self.conv1.backward(self.conv2.backward(grad_out * relu_grad(self.z2)) * relu_grad(self.z1))
'''}, mistake="before adding"),
    "residual_same_seed_for_both_convs": Variant({"ResidualBlock.__init__": '''
def __init__(self, channels, rng=None):
    self.conv1 = Conv2d(channels, channels, 3, padding=1, rng=rng)
    self.conv2 = Conv2d(channels, channels, 3, padding=1, rng=rng)
'''}, mistake="same weights"),
    "residual_adds_into_x": Variant({"ResidualBlock.forward": '''
def forward(self, x):
    self.z1 = self.conv1.forward(x)
    x += self.conv2.forward(relu(self.z1))  # saves an array
    self.z2 = x
    return relu(self.z2)
'''}, mistake="must not change the arrays"),

    # ------------------------------------------------------------------ SimpleCNN (test_simple_cnn)
    "cnn_fc_size_without_floor": Variant({"SimpleCNN.__init__": '''
def __init__(self, in_shape=(1, 8, 8), n_classes=2, channels=4, rng=None):
    C, H, W = in_shape
    rng = np.random.default_rng(rng)
    self.conv = Conv2d(C, channels, 3, padding=1, rng=rng)
    self.pool = MaxPool2d(2)
    self.flatten = Flatten()
    self.fc = Linear(channels * H * W // 4, n_classes, rng)  # pooling halves H and W
'''}, mistake="drops the odd"),
    "cnn_generator_per_layer": Variant({"SimpleCNN.__init__": '''
def __init__(self, in_shape=(1, 8, 8), n_classes=2, channels=4, rng=None):
    C, H, W = in_shape
    self.conv = Conv2d(C, channels, 3, padding=1, rng=rng)
    self.pool = MaxPool2d(2)
    self.flatten = Flatten()
    self.fc = Linear(channels * (H // 2) * (W // 2), n_classes, rng)
'''}, mistake="one generator"),
    "cnn_set_parameters_copies": Variant({"SimpleCNN.set_parameters": '''
def set_parameters(self, params):
    self.conv.W, self.conv.b, self.fc.W, self.fc.b = [np.array(p, dtype=float) for p in params]
'''}, mistake="very arrays"),
    "cnn_parameters_weights_first": Variant({"SimpleCNN.parameters": '''
def parameters(self):
    return [self.conv.W, self.fc.W, self.conv.b, self.fc.b]
'''}, mistake="[conv.W, conv.b, fc.W, fc.b]"),
    "cnn_backward_without_relu_grad": Variant({"SimpleCNN.backward": '''
def backward(self, grad_out):
    g = self.pool.backward(self.flatten.backward(self.fc.backward(grad_out)))
    return self.conv.backward(g)
'''}, mistake="relu'"),

    # ------------------------------------------------------------------ training (test_training)
    "train_without_shuffling": Variant({"train_cnn": _slip(_TRAIN, "order = rng.permutation(N)", "order = np.arange(N)")},
                                       mistake="not shuffled"),
    "train_shuffles_from_a_new_generator": Variant({"train_cnn": _slip(
        _slip(_TRAIN, "model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)",
              "model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=seed)"),
        "    rng = np.random.default_rng(rng)\n", "    seed, rng = rng, np.random.default_rng(rng)\n")},
        mistake="new generator"),
    "train_new_generator_every_epoch": Variant({"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    opt = Adam(lr)
    N = X.shape[0]
    for epoch in range(epochs):
        order = np.random.default_rng(rng).permutation(N)  # reproducible shuffling
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            model.backward(softmax_cross_entropy_grad(model.forward(X[idx]), y[idx]))
            model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="every epoch has the same order"),
    "train_drops_the_last_batch": Variant({"train_cnn": _slip(
        _TRAIN, "for start in range(0, N, batch_size):", "for start in range(0, N - batch_size + 1, batch_size):")},
        mistake="skipped"),
    "train_new_adam_every_epoch": Variant({"train_cnn": _slip(
        _slip(_TRAIN, "    opt = Adam(lr)\n", ""), "order = rng.permutation(N)\n",
        "order = rng.permutation(N)\n        opt = Adam(lr)\n")}, mistake="new Adam"),
    "train_ignores_batch_size": Variant({"train_cnn": _slip(_slip(
        _TRAIN, "for start in range(0, N, batch_size):", "for start in range(0, N, 16):"),
        "idx = order[start:start + batch_size]", "idx = order[start:start + 16]")},
        mistake="batch_size argument is ignored"),
    "train_classes_from_unique_labels": Variant({"train_cnn": _slip(
        _TRAIN, "int(y.max()) + 1", "len(np.unique(y))")}, mistake="max(y) + 1"),
    "train_default_lr": Variant({"train_cnn": _slip(
        _TRAIN, "def train_cnn(X, y, epochs=10, lr=0.03,", "def train_cnn(X, y, epochs=10, lr=0.01,")},
        mistake="default lr is 0.03"),
    "train_full_batch": Variant({"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    rng = np.random.default_rng(rng)
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    opt = Adam(lr)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        model.backward(softmax_cross_entropy_grad(model.forward(X[order]), y[order]))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''}, mistake="one batch"),
    "train_updates_a_local_list_only": Variant({"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    rng = np.random.default_rng(rng)
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    opt = Adam(lr)
    params = model.parameters()
    N = X.shape[0]
    for epoch in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            model.backward(softmax_cross_entropy_grad(model.forward(X[idx]), y[idx]))
            params = opt.step(params, model.gradients())  # the new weights
    return model
'''}, mistake="never changes"),
    "train_step_after_the_batch_loop": Variant({"train_cnn": _slip(
        _TRAIN, "            model.set_parameters(opt.step(model.parameters(), model.gradients()))\n",
        "        model.set_parameters(opt.step(model.parameters(), model.gradients()))\n")}, mistake="once per epoch"),
}

CORRECT: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ the SPEC's draw, spelled otherwise
    "init_standard_normal_times_scale": {"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    gen = np.random.default_rng(rng)
    kh, kw = self.kernel_size
    flat = gen.standard_normal(out_channels * in_channels * kh * kw) * math.sqrt(2.0 / (in_channels * kh * kw))
    self.W = flat.reshape(out_channels, in_channels, kh, kw)
    self.b = np.zeros(out_channels, dtype=np.float64)
'''},
    # ------------------------------------------------------------------ convolutions written otherwise
    "conv_seven_plain_loops": {"Conv2d": _LOOP_CONV},
    "conv_cs231n_window_loops": {"Conv2d": _WINDOW_CONV},
    "conv_loops_over_positions": {"Conv2d": _POSITION_CONV},
    "conv_im2col_col2im_add_at": {"Conv2d": '''
class Conv2d:
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
        rng = np.random.default_rng(rng)
        kh, kw = pair(kernel_size)
        self.stride, self.padding = pair(stride), pair(padding)
        self.W = rng.normal(0.0, np.sqrt(2.0 / (in_channels * kh * kw)), size=(out_channels, in_channels, kh, kw))
        self.b = np.zeros(out_channels)

    def _indices(self, C, Hp, Wp):
        """Row and column indices (C·kH·kW, Ho·Wo) of every window entry, and the channel of each row."""
        F, _, kh, kw = self.W.shape
        sh, sw = self.stride
        Ho, Wo = (Hp - kh) // sh + 1, (Wp - kw) // sw + 1
        i0 = np.tile(np.repeat(np.arange(kh), kw), C)
        j0 = np.tile(np.arange(kw), kh * C)
        i1 = sh * np.repeat(np.arange(Ho), Wo)
        j1 = sw * np.tile(np.arange(Wo), Ho)
        rows = i0[:, None] + i1[None, :]
        cols = j0[:, None] + j1[None, :]
        chans = np.repeat(np.arange(C), kh * kw)[:, None]
        return chans, rows, cols, Ho, Wo

    def forward(self, x):
        ph, pw = self.padding
        N, C, H, W = x.shape
        xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        chans, rows, cols, Ho, Wo = self._indices(C, *xp.shape[2:])
        self.cols = xp[:, chans, rows, cols]  # (N, C·kH·kW, Ho·Wo)
        self.shapes = (x.shape, xp.shape, Ho, Wo)
        F = self.W.shape[0]
        out = self.W.reshape(F, -1) @ self.cols + self.b[:, None]
        return out.reshape(N, F, Ho, Wo)

    def backward(self, grad_out):
        (N, C, H, W), xp_shape, Ho, Wo = self.shapes
        ph, pw = self.padding
        F = self.W.shape[0]
        g = grad_out.reshape(N, F, Ho * Wo)
        self.dW = np.einsum("nfp,nkp->fk", g, self.cols).reshape(self.W.shape)
        self.db = g.sum(axis=(0, 2))
        dcols = self.W.reshape(F, -1).T @ g  # (N, C·kH·kW, Ho·Wo)
        dxp = np.zeros(xp_shape)
        chans, rows, cols, _, _ = self._indices(C, *xp_shape[2:])
        np.add.at(dxp, (slice(None), chans, rows, cols), dcols)  # col2im: overlapping windows add up
        return dxp[:, :, ph:ph + H, pw:pw + W]
'''},
    "conv_tensordot_per_position": {"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    F, C, kh, kw = self.W.shape
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho, Wo = conv2d_output_size(x.shape[2], x.shape[3], (kh, kw), (sh, sw), (ph, pw))
    out = np.empty((x.shape[0], F, Ho, Wo))
    windows = np.empty((x.shape[0], C, Ho, Wo, kh, kw))
    for i in range(Ho):
        for j in range(Wo):
            patch = self.xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            windows[:, :, i, j] = patch
            out[:, :, i, j] = np.tensordot(patch, self.W, axes=([1, 2, 3], [1, 2, 3])) + self.b
    self.windows = windows
    return out
''', "Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    F, C, kh, kw = self.W.shape
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.tensordot(grad_out, self.windows, axes=([0, 2, 3], [0, 2, 3]))
    self.db = grad_out.sum(axis=(0, 2, 3))
    dxp = np.zeros(self.xp.shape)
    for i in range(Ho):
        for j in range(Wo):
            dxp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += np.tensordot(grad_out[:, :, i, j], self.W, axes=(1, 0))
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''},
    "conv_fft": {"Conv2d.forward": '''
def forward(self, x):
    # cross-correlation by FFT at stride 1 (correlate = convolve with the flipped kernel), then every s-th
    # row and column
    (ph, pw), (sh, sw) = self.padding, self.stride
    F, C, kh, kw = self.W.shape
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Hp, Wp = self.xp.shape[2:]
    size = (Hp + kh - 1, Wp + kw - 1)
    X = np.fft.rfft2(self.xp, s=size)
    K = np.fft.rfft2(self.W[:, :, ::-1, ::-1], s=size)
    full = np.fft.irfft2(np.einsum("ncyx,fcyx->nfyx", X, K), s=size)
    valid = full[:, :, kh - 1:Hp, kw - 1:Wp]
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    return valid[:, :, ::sh, ::sw] + self.b[:, None, None]
'''},
    "conv_strided_as_dense_then_subsampled": {"Conv2d.forward": '''
def forward(self, x):
    # 11-785's design: a stride-1 convolution, then keep every s-th output
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dense = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))
    self.windows = dense[:, :, ::sh, ::sw]
    out = np.einsum("nchwuv,fcuv->nfhw", dense, self.W) + self.b[:, None, None]
    return out[:, :, ::sh, ::sw]
''', "Conv2d.backward": '''
def backward(self, grad_out):
    # upsample g into the dense output (zeros between), then the stride-1 backward
    (ph, pw), (sh, sw) = self.padding, self.stride
    F, C, kh, kw = self.W.shape
    N, _, Hp, Wp = self.xp.shape
    dense = np.zeros((N, F, Hp - kh + 1, Wp - kw + 1))
    dense[:, :, ::sh, ::sw][:, :, :grad_out.shape[2], :grad_out.shape[3]] = grad_out
    windows = np.lib.stride_tricks.sliding_window_view(self.xp, (kh, kw), axis=(2, 3))
    self.dW = np.einsum("nfhw,nchwuv->fcuv", dense, windows)
    self.db = dense.sum(axis=(0, 2, 3))
    dxp = np.zeros(self.xp.shape)
    for u in range(kh):
        for v in range(kw):
            dxp[:, :, u:u + dense.shape[2], v:v + dense.shape[3]] += np.einsum("nfhw,fc->nchw", dense, self.W[:, :, u, v])
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''},
    "conv_dx_as_full_convolution_of_dilated_g": {"Conv2d.backward": '''
def backward(self, grad_out):
    # dx = full cross-correlation of the dilated, zero-padded g with the kernel rotated by 180 degrees
    (ph, pw), (sh, sw) = self.padding, self.stride
    F, C, kh, kw = self.W.shape
    N, _, Ho, Wo = grad_out.shape
    Hp, Wp = self.xp.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(0, 2, 3))
    dilated = np.zeros((N, F, (Ho - 1) * sh + 1, (Wo - 1) * sw + 1))
    dilated[:, :, ::sh, ::sw] = grad_out
    # pad so that every input position of xp (rows the floor dropped included) has a full window
    bottom, right = Hp - dilated.shape[2], Wp - dilated.shape[3]
    padded = np.pad(dilated, ((0, 0), (0, 0), (kh - 1, bottom), (kw - 1, right)))
    rotated = self.W[:, :, ::-1, ::-1]
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw), axis=(2, 3))
    dxp = np.einsum("nfhwuv,fcuv->nchw", windows, rotated)
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''},
    "output_size_with_int_division": {"conv2d_output_size": '''
def conv2d_output_size(H, W, kernel_size, stride=1, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    return int(math.floor((H + 2 * ph - kh) / sh)) + 1, int(math.floor((W + 2 * pw - kw) / sw)) + 1
'''},

    # ------------------------------------------------------------------ pooling written otherwise
    "maxpool_loops_unravel": {"MaxPool2d": _LOOP_MAXPOOL},
    "maxpool_equality_mask": {"MaxPool2d": '''
class MaxPool2d:
    def __init__(self, kernel_size, stride=None):
        self.kernel_size = pair(kernel_size)
        self.stride = pair(stride) if stride is not None else self.kernel_size

    def forward(self, x):
        kh, kw = self.kernel_size
        sh, sw = self.stride
        self.x = x
        self.windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
        self.out = self.windows.max(axis=(4, 5))
        return self.out

    def backward(self, grad_out):
        # the max through an equality mask: the same as argmax routing when no window ties
        kh, kw = self.kernel_size
        sh, sw = self.stride
        mask = self.windows == self.out[..., None, None]
        dx = np.zeros(self.x.shape)
        Ho, Wo = grad_out.shape[2:]
        for i in range(Ho):
            for j in range(Wo):
                dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += mask[:, :, i, j] * grad_out[:, :, i, j, None, None]
        return dx
'''},
    "avgpool_as_convolution_with_ones": {"AvgPool2d": '''
class AvgPool2d:
    """Average pooling is a convolution of each channel with a kernel of 1/(kH·kW), without bias."""

    def __init__(self, kernel_size, stride=None):
        self.kernel_size = pair(kernel_size)
        self.stride = self.kernel_size if stride is None else pair(stride)

    def forward(self, x):
        N, C, H, W = x.shape
        kh, kw = self.kernel_size
        self.conv = Conv2d(1, 1, (kh, kw), stride=self.stride)
        self.conv.W = np.full((1, 1, kh, kw), 1.0 / (kh * kw))
        self.conv.b = np.zeros(1)
        out = self.conv.forward(x.reshape(N * C, 1, H, W))
        return out.reshape(N, C, *out.shape[2:])

    def backward(self, grad_out):
        N, C, Ho, Wo = grad_out.shape
        dx = self.conv.backward(grad_out.reshape(N * C, 1, Ho, Wo))
        return dx.reshape(N, C, *dx.shape[2:])
'''},

    # ------------------------------------------------------------------ models and training written otherwise
    "residual_block_with_stored_masks": {"ResidualBlock": '''
class ResidualBlock:
    def __init__(self, channels, rng=None):
        gen = np.random.default_rng(rng)
        self.conv1 = Conv2d(channels, channels, 3, stride=1, padding=1, rng=gen)
        self.conv2 = Conv2d(channels, channels, 3, stride=1, padding=1, rng=gen)

    def forward(self, x):
        h = self.conv1.forward(x)
        self.mask1 = h > 0
        out = x + self.conv2.forward(h * self.mask1)
        self.mask2 = out > 0
        return out * self.mask2

    def backward(self, grad_out):
        g = grad_out * self.mask2
        through_convs = self.conv1.backward(self.conv2.backward(g) * self.mask1)
        return through_convs + g
'''},
    "simple_cnn_as_a_layer_list": {"SimpleCNN": '''
class _ReLU:
    def forward(self, x):
        self.x = x
        return np.maximum(x, 0)

    def backward(self, grad_out):
        return grad_out * (self.x > 0)


class SimpleCNN:
    def __init__(self, in_shape=(1, 8, 8), n_classes=2, channels=4, rng=None):
        C, H, W = in_shape
        rng = np.random.default_rng(rng)
        self.conv = Conv2d(C, channels, kernel_size=3, stride=1, padding=1, rng=rng)
        self.fc = Linear(channels * (H // 2) * (W // 2), n_classes, rng=rng)
        self.layers = [self.conv, _ReLU(), MaxPool2d(2, 2), Flatten(), self.fc]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_out):
        for layer in reversed(self.layers):
            grad_out = layer.backward(grad_out)
        return grad_out

    def parameters(self):
        return [self.conv.W, self.conv.b, self.fc.W, self.fc.b]

    def gradients(self):
        return [self.conv.dW, self.conv.db, self.fc.dW, self.fc.db]

    def set_parameters(self, params):
        self.conv.W, self.conv.b, self.fc.W, self.fc.b = params

    def predict(self, x):
        return self.forward(x).argmax(axis=1)
'''},
    "train_cnn_with_np_split": {"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    gen = np.random.default_rng(rng)
    n_classes = int(np.max(y)) + 1
    model = SimpleCNN(tuple(X.shape[1:]), n_classes, rng=gen)
    optimizer = Adam(lr=lr)
    for epoch in range(epochs):
        perm = gen.permutation(X.shape[0])
        for batch in np.split(perm, np.arange(batch_size, X.shape[0], batch_size)):
            model.forward(X[batch])
            grad = softmax_cross_entropy_grad(model.forward(X[batch]), y[batch])
            model.backward(grad)
            new = optimizer.step(model.parameters(), model.gradients())
            model.set_parameters(new)
    return model
'''},
}
