"""Realistic one-mistake slips in Assignment 3-CNN (convolution and pooling in NumPy), written from the SPEC, the
template and the reference only (never from the hidden graders), to measure the graders on bugs they were not
written against (bench/prove_slips.py). Each entry replaces one or more definitions of the concatenated reference
solution with the way a student might have written them, with exactly one mistake."""
SLIPS = {
    # ------------------------------------------------------------------ output size
    "out_size_ceil": (
        {"conv2d_output_size": '''
def conv2d_output_size(H, W, kernel_size, stride=1, padding=0):
    (kh, kw), (sh, sw), (ph, pw) = pair(kernel_size), pair(stride), pair(padding)
    return math.ceil((H + 2 * ph - kh) / sh) + 1, math.ceil((W + 2 * pw - kw) / sw) + 1
'''},
        ("floor", "ceil", "round", "⌊", "dropped", "partial window", "rounds up"),
        "conv2d_output_size rounds up with math.ceil, counting a window that runs past the padded edge",
    ),
    "out_size_true_division": (
        {"conv2d_output_size": '''
def conv2d_output_size(H, W, kernel_size, stride=1, padding=0):
    (kh, kw), (sh, sw), (ph, pw) = pair(kernel_size), pair(stride), pair(padding)
    return (H + 2 * ph - kh) / sh + 1, (W + 2 * pw - kw) / sw + 1
'''},
        ("int", "float", "//", "floor", "integer division", "type"),
        "conv2d_output_size divides with / instead of //: float sizes, and fractional ones when the stride does not divide",
    ),
    "out_size_padding_once": (
        {"conv2d_output_size": '''
def conv2d_output_size(H, W, kernel_size, stride=1, padding=0):
    (kh, kw), (sh, sw), (ph, pw) = pair(kernel_size), pair(stride), pair(padding)
    return (H + ph - kh) // sh + 1, (W + pw - kw) // sw + 1
'''},
        ("padding", "2·p", "2p", "2*p", "2 * p", "both sides", "each side"),
        "conv2d_output_size adds the padding once instead of on both sides (H + p instead of H + 2p)",
    ),
    "out_size_rows_columns_swapped": (
        {"conv2d_output_size": '''
def conv2d_output_size(H, W, kernel_size, stride=1, padding=0):
    (kw, kh), (sh, sw), (ph, pw) = pair(kernel_size), pair(stride), pair(padding)
    return (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1
'''},
        ("non-square", "rows", "columns", "(rows, columns)", "kernel_size", "kh", "kw", "pair"),
        "conv2d_output_size unpacks the kernel as (width, height), so a non-square kernel's sides are swapped",
    ),
    # ------------------------------------------------------------------ initialisation
    "init_fan_in_channels_only": (
        {"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    fan_in = in_channels
    self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros(out_channels)
'''},
        ("fan_in", "fan-in", "fan in", "kernel area", "c·kh·kw", "variance", "std", "kaiming"),
        "Conv2d.__init__ uses fan_in = in_channels, forgetting that the kernel area kH·kW counts",
    ),
    "init_std_is_variance": (
        {"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
    self.W = rng.normal(0.0, 2 / fan_in, (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros(out_channels)
'''},
        ("sqrt", "std", "standard deviation", "variance", "scale", "kaiming"),
        "Conv2d.__init__ passes the variance 2/fan_in as normal()'s scale, which is a standard deviation",
    ),
    "init_drawn_hwio_transposed": (
        {"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
    kh, kw = self.kernel_size
    self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (kh, kw, in_channels, out_channels)).transpose(3, 2, 0, 1)
    self.b = np.zeros(out_channels)
'''},
        ("layout", "draw", "drawn", "order", "(f, c, kh, kw)", "same seed", "transpos", "weights differ"),
        "Conv2d.__init__ draws W channels-last (kH, kW, C, F) and transposes it: right shape, but not the draw of the SPEC",
    ),
    "init_kernel_dims_swapped": (
        {"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    kh, kw = self.kernel_size
    fan_in = in_channels * kh * kw
    self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (out_channels, in_channels, kw, kh))
    self.b = np.zeros(out_channels)
'''},
        ("shape", "non-square", "(f, c, kh, kw)", "rows", "columns", "kernel"),
        "Conv2d.__init__ draws W as (F, C, kW, kH), so a non-square kernel gets the wrong shape",
    ),
    "init_global_rng": (
        {"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
    self.W = np.random.normal(0.0, np.sqrt(2 / fan_in), (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros(out_channels)
'''},
        ("rng", "seed", "generator", "default_rng", "global", "reproducib", "np.random"),
        "Conv2d.__init__ ignores rng and draws from the global np.random.normal, so a seed does not fix the weights",
    ),
    "init_bias_shape_f11": (
        {"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
    self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros((out_channels, 1, 1))
''',
         "Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W) + self.b.reshape(-1, 1, 1)
'''},
        ("bias", "shape", "(f,)", "b.shape", "db"),
        "Conv2d keeps b as (F, 1, 1) so it broadcasts, not the (F,) of the SPEC (and db, (F,), no longer matches b)",
    ),
    "init_padding_not_paired": (
        {"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), padding
    rng = np.random.default_rng(rng)
    fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
    self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros(out_channels)
'''},
        ("padding", "pair", "int", "tuple", "unpack"),
        "Conv2d.__init__ runs pair() on kernel_size and stride but stores padding as given, so an int padding breaks forward",
    ),
    # ------------------------------------------------------------------ forward
    "fwd_kernel_flipped": (
        {"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W[:, :, ::-1, ::-1]) + self.b[:, None, None]
'''},
        ("flip", "cross-correlation", "cross correlation", "not flipped", "rotat", "180"),
        "Conv2d.forward flips the kernel (a textbook convolution) instead of PyTorch's cross-correlation",
    ),
    "fwd_pad_widths_as_rows_columns": (
        {"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, pw), (ph, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W) + self.b[:, None, None]
'''},
        ("padding", "asymmetric", "pad", "rows", "columns", "non-square", "before", "after"),
        "Conv2d.forward reads np.pad's (before, after) as (rows, columns): a non-square padding pads asymmetrically",
    ),
    "fwd_pad_slice_empty_at_zero": (
        {"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    N, C, H, W = x.shape
    self.x_shape = x.shape
    self.xp = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    self.xp[:, :, ph:-ph, pw:-pw] = x
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W) + self.b[:, None, None]
'''},
        ("padding 0", "padding=0", "p = 0", "p=0", "zero padding", "no padding", "empty", "slice", "-0"),
        "Conv2d.forward copies x into xp[:, :, p:-p, ...], an empty slice when a padding is 0 (-0 is 0)",
    ),
    "fwd_stride_ignored": (
        {"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W) + self.b[:, None, None]
'''},
        ("stride", "shape", "output size", "every window", "ho", "wo"),
        "Conv2d.forward keeps every window position and never subsamples by the stride",
    ),
    "fwd_row_stride_for_both": (
        {"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sh]
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W) + self.b[:, None, None]
'''},
        ("stride", "columns", "non-square", "(rows, columns)", "pair", "sw"),
        "Conv2d.forward subsamples the columns by the row stride too (::sh, ::sh), wrong for a stride pair",
    ),
    "fwd_bias_last_axis": (
        {"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    return np.einsum("nchwuv,fcuv->nfhw", self.windows, self.W) + self.b
'''},
        ("bias", "broadcast", "channel", "b[f]", "axis", "last axis"),
        "Conv2d.forward adds b (F,) to (N, F, Ho, Wo) directly, which broadcasts it along the columns, not the channels",
    ),
    "fwd_last_input_channel_only": (
        {"Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    F, C = self.W.shape[:2]
    out = np.zeros((x.shape[0], F, *self.windows.shape[2:4]))
    for f in range(F):
        for c in range(C):
            out[:, f] = np.einsum("nhwuv,uv->nhw", self.windows[:, c], self.W[f, c])
        out[:, f] += self.b[f]
    return out
'''},
        ("channel", "sum over c", "input channels", "accumulat", "+=", "overwrit", "sum over the input"),
        "Conv2d.forward assigns (=) each input channel's contribution instead of adding it, so only the last channel counts",
    ),
    "fwd_weights_cached_at_init": (
        {"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
    self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros(out_channels)
    self.W_col = self.W.reshape(out_channels, -1)
''',
         "Conv2d.forward": '''
def forward(self, x):
    (ph, pw), (sh, sw) = self.padding, self.stride
    self.x_shape = x.shape
    self.xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    self.windows = np.lib.stride_tricks.sliding_window_view(self.xp, self.W.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    N, C, Ho, Wo = self.windows.shape[:4]
    cols = self.windows.transpose(0, 2, 3, 1, 4, 5).reshape(N, Ho, Wo, -1)
    return (cols @ self.W_col.T).transpose(0, 3, 1, 2) + self.b[:, None, None]
'''},
        ("assign", "current", "reads", "construction", "cached", "stale", "own arrays", "w_col", "initial weights"),
        "Conv2d reshapes W to columns once in __init__ (im2col), so forward ignores a W assigned after construction",
    ),
    # ------------------------------------------------------------------ backward
    "bwd_dx_stride_ignored": (
        {"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + Ho, v:v + Wo] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''},
        ("stride", "dx", "input gradient", "dl/dx", "i·s", "i*s"),
        "Conv2d.backward scatters dx as if the stride were 1 (window i starts at row i, not i·s)",
    ),
    "bwd_dx_padding_not_removed": (
        {"Conv2d.backward": '''
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
'''},
        ("padding", "shape", "crop", "strip", "padded", "x's shape", "dx"),
        "Conv2d.backward returns the gradient of the padded input, padding included, instead of cropping it to x's shape",
    ),
    "bwd_dx_empty_slice_at_zero_padding": (
        {"Conv2d.backward": '''
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
'''},
        ("padding 0", "padding=0", "p = 0", "p=0", "no padding", "empty", "slice", "shape", "-0"),
        "Conv2d.backward crops with dxp[:, :, p:-p, ...], which is empty when a padding is 0",
    ),
    "bwd_dx_overlaps_overwritten": (
        {"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] = per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''},
        ("overlap", "add up", "+=", "accumulat", "overwrit", "sum"),
        "Conv2d.backward assigns (=) each kernel offset's share into dxp, so overlapping windows overwrite instead of adding up",
    ),
    "bwd_db_not_summed_over_batch": (
        {"Conv2d.backward": '''
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
'''},
        ("db", "batch", "sum", "shape", "(f,)", "bias gradient"),
        "Conv2d.backward sums db over the positions only, leaving an (N, F) array instead of summing over the batch too",
    ),
    "bwd_db_not_summed_over_positions": (
        {"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=0)
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''},
        ("db", "position", "sum", "shape", "(f,)", "bias gradient", "spatial"),
        "Conv2d.backward sums db over the batch only (as a Linear layer), leaving (F, Ho, Wo) instead of (F,)",
    ),
    "bwd_dW_divided_by_batch": (
        {"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    N, F, Ho, Wo = grad_out.shape
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows) / N
    self.db = grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''},
        ("1/n", "divide", "batch size", "never divides", "/ n", "mean", "dw"),
        "Conv2d.backward divides dW by the batch size, which the loss's gradient already did",
    ),
    "bwd_dW_layout_cf": (
        {"Conv2d.backward": '''
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
'''},
        ("dw", "shape", "layout", "(f, c", "transpos", "w's shape", "channels"),
        "Conv2d.backward builds dW as (C, F, kH, kW): in and out channels swapped",
    ),
    "bwd_dW_kernel_transposed": (
        {"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcvu", grad_out, self.windows)
    self.db = grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''},
        ("dw", "transpos", "rows", "columns", "kernel", "shape", "non-square", "u, v"),
        "Conv2d.backward writes dW with the kernel's row and column axes swapped (fcvu)",
    ),
    "bwd_params_accumulate": (
        {"Conv2d.__init__": '''
def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
    self.kernel_size, self.stride, self.padding = pair(kernel_size), pair(stride), pair(padding)
    rng = np.random.default_rng(rng)
    fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
    self.W = rng.normal(0.0, np.sqrt(2 / fan_in), (out_channels, in_channels, *self.kernel_size))
    self.b = np.zeros(out_channels)
    self.dW = np.zeros_like(self.W)
    self.db = np.zeros_like(self.b)
''',
         "Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW += np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db += grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''},
        ("+=", "accumulat", "sets", "second backward", "twice", "zero", "stale", "overwrite"),
        "Conv2d starts dW, db at zero and adds (+=) in backward, so a second backward accumulates instead of setting",
    ),
    "bwd_dx_covered_region_only": (
        {"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    (kh, kw), (Ho, Wo) = self.W.shape[2:], grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W)
    N, C = self.x_shape[:2]
    dxp = np.zeros((N, C, (Ho - 1) * sh + kh, (Wo - 1) * sw + kw))
    for u in range(kh):
        for v in range(kw):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''},
        ("shape", "dropped", "no window", "zero gradient", "rows", "columns", "reach", "x's shape"),
        "Conv2d.backward sizes dxp to the region the windows cover, so rows and columns no window reaches are missing from dx",
    ),
    "bwd_dx_kernel_flipped": (
        {"Conv2d.backward": '''
def backward(self, grad_out):
    (ph, pw), (sh, sw) = self.padding, self.stride
    Ho, Wo = grad_out.shape[2:]
    self.dW = np.einsum("nfhw,nchwuv->fcuv", grad_out, self.windows)
    self.db = grad_out.sum(axis=(0, 2, 3))
    per_offset = np.einsum("nfhw,fcuv->nchwuv", grad_out, self.W[:, :, ::-1, ::-1])
    dxp = np.zeros(self.xp.shape)
    for u in range(self.W.shape[2]):
        for v in range(self.W.shape[3]):
            dxp[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += per_offset[..., u, v]
    return dxp[:, :, ph:ph + self.x_shape[2], pw:pw + self.x_shape[3]]
'''},
        ("flip", "dx", "input gradient", "rotat", "180", "kernel"),
        "Conv2d.backward flips the kernel for dx ('the backward of a convolution is a convolution with the flipped kernel') while also scattering per offset",
    ),
    # ------------------------------------------------------------------ max pooling
    "maxpool_grad_to_every_position": (
        {"MaxPool2d.backward": '''
def backward(self, grad_out):
    (kh, kw), (sh, sw) = self.kernel_size, self.stride
    Ho, Wo = grad_out.shape[2:]
    dx = np.zeros(self.x_shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += grad_out
    return dx
'''},
        ("maximum", "argmax", "max only", "only", "every position", "mask", "max position"),
        "MaxPool2d.backward sends each window's gradient to every position of the window, not only to its maximum",
    ),
    "maxpool_overlaps_overwritten": (
        {"MaxPool2d.backward": '''
def backward(self, grad_out):
    (kh, kw), (sh, sw) = self.kernel_size, self.stride
    Ho, Wo = grad_out.shape[2:]
    dx = np.zeros(self.x_shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] = grad_out * (self.argmax == u * kw + v)
    return dx
'''},
        ("overlap", "add up", "+=", "accumulat", "overwrit", "sum"),
        "MaxPool2d.backward assigns (=) per kernel offset, so with overlapping windows a later offset overwrites gradients",
    ),
    "maxpool_unravel_with_kh": (
        {"MaxPool2d.backward": '''
def backward(self, grad_out):
    (kh, kw), (sh, sw) = self.kernel_size, self.stride
    Ho, Wo = grad_out.shape[2:]
    dx = np.zeros(self.x_shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += grad_out * (self.argmax == u * kh + v)
    return dx
'''},
        ("argmax", "unravel", "non-square", "index", "position", "maximum", "row-major"),
        "MaxPool2d.backward decodes the flat argmax as u·kH + v instead of u·kW + v, wrong for non-square windows",
    ),
    "maxpool_stride_default_one": (
        {"MaxPool2d.__init__": '''
def __init__(self, kernel_size, stride=None):
    self.kernel_size = pair(kernel_size)
    self.stride = (1, 1) if stride is None else pair(stride)
'''},
        ("stride", "default", "none", "kernel size", "side by side", "shape"),
        "MaxPool2d reads stride=None as stride 1 instead of stride = kernel size",
    ),
    "maxpool_stride_not_paired": (
        {"MaxPool2d.__init__": '''
def __init__(self, kernel_size, stride=None):
    self.kernel_size = pair(kernel_size)
    self.stride = self.kernel_size if stride is None else stride
'''},
        ("stride", "pair", "int", "tuple", "unpack"),
        "MaxPool2d stores an explicit stride as given, so an int stride cannot be unpacked into (sh, sw)",
    ),
    "maxpool_bwd_open_ended_slices": (
        {"MaxPool2d.backward": '''
def backward(self, grad_out):
    (kh, kw), (sh, sw) = self.kernel_size, self.stride
    dx = np.zeros(self.x_shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u::sh, v::sw] += grad_out * (self.argmax == u * kw + v)
    return dx
'''},
        ("shape", "dropped", "broadcast", "rows", "columns", "no window", "edge", "output size"),
        "MaxPool2d.backward slices dx[u::s] to the end, which has more entries than Ho when rows are dropped",
    ),
    "maxpool_bwd_assumes_stride_is_kernel": (
        {"MaxPool2d.backward": '''
def backward(self, grad_out):
    kh, kw = self.kernel_size
    Ho, Wo = grad_out.shape[2:]
    dx = np.zeros(self.x_shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + kh * Ho:kh, v:v + kw * Wo:kw] += grad_out * (self.argmax == u * kw + v)
    return dx
'''},
        ("stride", "overlap", "kernel size", "position", "shape"),
        "MaxPool2d.backward places windows kernel-size apart, ignoring an explicit stride (overlapping windows)",
    ),
    # ------------------------------------------------------------------ average pooling
    "avgpool_sum_not_mean": (
        {"AvgPool2d.forward": '''
def forward(self, x):
    (sh, sw), self.x_shape = self.stride, x.shape
    windows = np.lib.stride_tricks.sliding_window_view(x, self.kernel_size, axis=(2, 3))[:, :, ::sh, ::sw]
    return windows.sum(axis=(-2, -1))
'''},
        ("mean", "average", "divide", "kh·kw", "sum", "window size"),
        "AvgPool2d.forward sums each window instead of averaging it",
    ),
    "avgpool_bwd_not_divided": (
        {"AvgPool2d.backward": '''
def backward(self, grad_out):
    (kh, kw), (sh, sw) = self.kernel_size, self.stride
    Ho, Wo = grad_out.shape[2:]
    dx = np.zeros(self.x_shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += grad_out
    return dx
'''},
        ("divide", "1/(kh·kw)", "g/(kh", "kh·kw", "mean", "average", "window size", "share"),
        "AvgPool2d.backward gives every input of a window g instead of g/(kH·kW)",
    ),
    "avgpool_bwd_divided_by_kh_squared": (
        {"AvgPool2d.backward": '''
def backward(self, grad_out):
    (kh, kw), (sh, sw) = self.kernel_size, self.stride
    Ho, Wo = grad_out.shape[2:]
    dx = np.zeros(self.x_shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += grad_out / (kh * kh)
    return dx
'''},
        ("kh·kw", "window size", "non-square", "divide", "kh*kw", "area"),
        "AvgPool2d.backward divides by kH² instead of kH·kW, wrong for non-square windows",
    ),
    "avgpool_bwd_mutates_grad_out": (
        {"AvgPool2d.backward": '''
def backward(self, grad_out):
    (kh, kw), (sh, sw) = self.kernel_size, self.stride
    Ho, Wo = grad_out.shape[2:]
    grad_out /= kh * kw
    dx = np.zeros(self.x_shape)
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + sh * Ho:sh, v:v + sw * Wo:sw] += grad_out
    return dx
'''},
        ("in place", "in-place", "mutat", "modif", "changes", "grad_out", "argument"),
        "AvgPool2d.backward divides grad_out in place (/=), changing the caller's array",
    ),
    # ------------------------------------------------------------------ flatten
    "flatten_channels_last": (
        {"Flatten.forward": '''
def forward(self, x):
    self.x_shape = x.shape
    return x.transpose(0, 2, 3, 1).reshape(x.shape[0], -1)
''',
         "Flatten.backward": '''
def backward(self, grad_out):
    N, C, H, W = self.x_shape
    return grad_out.reshape(N, H, W, C).transpose(0, 3, 1, 2)
'''},
        ("order", "c order", "nhwc", "channels-last", "channels last", "torch.flatten", "c·h·w", "layout"),
        "Flatten transposes to channels-last (NHWC) before reshaping, so entries are not in torch.flatten's C order",
    ),
    "flatten_sets_shape_in_place": (
        {"Flatten.forward": '''
def forward(self, x):
    self.x_shape = x.shape
    x.shape = (x.shape[0], -1)
    return x
'''},
        ("in place", "in-place", "mutat", "modif", "changes", "shape", "its input"),
        "Flatten.forward assigns x.shape, reshaping the caller's array in place instead of returning a new view",
    ),
    # ------------------------------------------------------------------ residual block
    "res_skip_missing_forward": (
        {"ResidualBlock.forward": '''
def forward(self, x):
    self.z1 = self.conv1.forward(x)
    self.z2 = self.conv2.forward(relu(self.z1))
    return relu(self.z2)
'''},
        ("skip", "residual", "x +", "identity", "shortcut"),
        "ResidualBlock.forward forgets to add x (no skip connection) though backward still has the skip path",
    ),
    "res_skip_missing_backward": (
        {"ResidualBlock.backward": '''
def backward(self, grad_out):
    g2 = grad_out * relu_grad(self.z2)
    return self.conv1.backward(self.conv2.backward(g2) * relu_grad(self.z1))
'''},
        ("skip", "both paths", "g₂", "g2", "identity", "shortcut", "residual"),
        "ResidualBlock.backward returns only the conv path's gradient and drops the skip path's g2",
    ),
    "res_relu_before_add": (
        {"ResidualBlock.forward": '''
def forward(self, x):
    self.z1 = self.conv1.forward(x)
    self.z2 = self.conv2.forward(relu(self.z1))
    return x + relu(self.z2)
'''},
        ("relu", "after the sum", "placement", "order", "x +", "before"),
        "ResidualBlock.forward applies the last relu to conv2's output before adding x, not to the sum",
    ),
    "res_output_relu_grad_missing": (
        {"ResidualBlock.backward": '''
def backward(self, grad_out):
    g2 = grad_out
    return g2 + self.conv1.backward(self.conv2.backward(g2) * relu_grad(self.z1))
'''},
        ("relu", "relu'", "relu_grad", "derivative", "mask", "z2", "z₂"),
        "ResidualBlock.backward forgets the output relu's derivative relu'(z2)",
    ),
    "res_inner_mask_uses_z2": (
        {"ResidualBlock.backward": '''
def backward(self, grad_out):
    g2 = grad_out * relu_grad(self.z2)
    return g2 + self.conv1.backward(self.conv2.backward(g2) * relu_grad(self.z2))
'''},
        ("relu", "relu'", "z1", "z₁", "mask", "derivative", "inner"),
        "ResidualBlock.backward masks conv2's gradient with relu'(z2) instead of relu'(z1)",
    ),
    "res_same_seed_both_convs": (
        {"ResidualBlock.__init__": '''
def __init__(self, channels, rng=None):
    self.conv1 = Conv2d(channels, channels, 3, padding=1, rng=rng)
    self.conv2 = Conv2d(channels, channels, 3, padding=1, rng=rng)
'''},
        ("generator", "rng", "seed", "same weights", "identical", "draw", "one generator", "default_rng"),
        "ResidualBlock passes the raw seed to both convs, so conv1 and conv2 get identical weights instead of successive draws",
    ),
    "res_conv_no_padding": (
        {"ResidualBlock.__init__": '''
def __init__(self, channels, rng=None):
    rng = np.random.default_rng(rng)
    self.conv1 = Conv2d(channels, channels, 3, rng=rng)
    self.conv2 = Conv2d(channels, channels, 3, rng=rng)
'''},
        ("padding", "shape", "padding=1", "same size", "broadcast"),
        "ResidualBlock builds its convs without padding=1, so conv2's output is smaller than x",
    ),
    # ------------------------------------------------------------------ SimpleCNN
    "cnn_fc_size_from_area": (
        {"SimpleCNN.__init__": '''
def __init__(self, in_shape=(1, 8, 8), n_classes=2, channels=4, rng=None):
    C, H, W = in_shape
    rng = np.random.default_rng(rng)
    self.conv = Conv2d(C, channels, 3, padding=1, rng=rng)
    self.pool = MaxPool2d(2)
    self.flatten = Flatten()
    self.fc = Linear(channels * H * W // 4, n_classes, rng)
'''},
        ("⌊h/2⌋", "floor", "odd", "in_features", "fc", "shape", "h // 2", "flatten"),
        "SimpleCNN sizes fc as channels·H·W//4, not channels·⌊H/2⌋·⌊W/2⌋: wrong for odd H or W",
    ),
    "cnn_raw_seed_to_both": (
        {"SimpleCNN.__init__": '''
def __init__(self, in_shape=(1, 8, 8), n_classes=2, channels=4, rng=None):
    C, H, W = in_shape
    self.conv = Conv2d(C, channels, 3, padding=1, rng=rng)
    self.pool = MaxPool2d(2)
    self.flatten = Flatten()
    self.fc = Linear(channels * (H // 2) * (W // 2), n_classes, rng)
'''},
        ("generator", "one generator", "rng", "seed", "default_rng", "draw"),
        "SimpleCNN passes the raw seed to the conv and the Linear, so each restarts from the seed instead of sharing one generator",
    ),
    "cnn_fc_drawn_first": (
        {"SimpleCNN.__init__": '''
def __init__(self, in_shape=(1, 8, 8), n_classes=2, channels=4, rng=None):
    C, H, W = in_shape
    rng = np.random.default_rng(rng)
    self.fc = Linear(channels * (H // 2) * (W // 2), n_classes, rng)
    self.conv = Conv2d(C, channels, 3, padding=1, rng=rng)
    self.pool = MaxPool2d(2)
    self.flatten = Flatten()
'''},
        ("order", "draw", "conv first", "first", "generator", "initial"),
        "SimpleCNN creates the Linear before the conv, so the generator's draws go to them in the wrong order",
    ),
    "cnn_backward_relu_mask_missing": (
        {"SimpleCNN.backward": '''
def backward(self, grad_out):
    g = self.pool.backward(self.flatten.backward(self.fc.backward(grad_out)))
    return self.conv.backward(g)
'''},
        ("relu", "relu'", "relu_grad", "derivative", "mask"),
        "SimpleCNN.backward skips relu'(z) between the pool and the conv",
    ),
    "cnn_parameters_copies": (
        {"SimpleCNN.parameters": '''
def parameters(self):
    return [self.conv.W.copy(), self.conv.b.copy(), self.fc.W.copy(), self.fc.b.copy()]
'''},
        ("copy", "copies", "arrays themselves", "same object", "in place", "identity"),
        "SimpleCNN.parameters returns copies, so editing one in place does not change the model",
    ),
    "cnn_set_parameters_copies": (
        {"SimpleCNN.set_parameters": '''
def set_parameters(self, params):
    self.conv.W, self.conv.b, self.fc.W, self.fc.b = [np.array(p) for p in params]
'''},
        ("copy", "copies", "arrays themselves", "same object", "identity", "set_parameters"),
        "SimpleCNN.set_parameters installs np.array copies instead of the given arrays themselves",
    ),
    "cnn_gradients_order": (
        {"SimpleCNN.gradients": '''
def gradients(self):
    return [self.conv.dW, self.fc.dW, self.conv.db, self.fc.db]
'''},
        ("order", "same order", "gradients()", "parameters()", "shape"),
        "SimpleCNN.gradients lists the weights' gradients first, not in parameters()'s order",
    ),
    "cnn_predict_wrong_axis": (
        {"SimpleCNN.predict": '''
def predict(self, x):
    return np.argmax(self.forward(x), axis=0)
'''},
        ("axis", "argmax", "predict", "labels", "shape", "per image"),
        "SimpleCNN.predict takes the argmax over the batch axis instead of the classes",
    ),
    # ------------------------------------------------------------------ training
    "train_global_permutation": (
        {"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    rng = np.random.default_rng(rng)
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    opt = Adam(lr)
    for _ in range(epochs):
        order = np.random.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            model.backward(softmax_cross_entropy_grad(model.forward(X[batch]), y[batch]))
            model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("permutation", "generator", "rng", "global", "np.random", "same generator", "reproducib", "deterministic"),
        "train_cnn shuffles with the global np.random.permutation instead of the generator",
    ),
    "train_permutation_once": (
        {"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    rng = np.random.default_rng(rng)
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    opt = Adam(lr)
    order = rng.permutation(len(X))
    for _ in range(epochs):
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            model.backward(softmax_cross_entropy_grad(model.forward(X[batch]), y[batch]))
            model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("permutation", "each epoch", "every epoch", "per epoch", "shuffle", "once"),
        "train_cnn draws one permutation before the epochs instead of a new one every epoch",
    ),
    "train_adam_per_epoch": (
        {"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    rng = np.random.default_rng(rng)
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    for _ in range(epochs):
        opt = Adam(lr)
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            model.backward(softmax_cross_entropy_grad(model.forward(X[batch]), y[batch]))
            model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("adam", "optimizer", "one opt", "state", "moment", "reset", "once"),
        "train_cnn creates a fresh Adam every epoch, resetting its moments and step count",
    ),
    "train_drops_last_batch": (
        {"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    rng = np.random.default_rng(rng)
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    opt = Adam(lr)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X) - batch_size + 1, batch_size):
            batch = order[start:start + batch_size]
            model.backward(softmax_cross_entropy_grad(model.forward(X[batch]), y[batch]))
            model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("last batch", "smaller", "batch", "drop", "remainder", "number of steps", "partial"),
        "train_cnn stops before the last, smaller batch of each epoch",
    ),
    "train_classes_from_unique": (
        {"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    rng = np.random.default_rng(rng)
    model = SimpleCNN(X.shape[1:], len(np.unique(y)), rng=rng)
    opt = Adam(lr)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            model.backward(softmax_cross_entropy_grad(model.forward(X[batch]), y[batch]))
            model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("classes", "max(y)", "n_classes", "unique", "never occurs", "outputs", "missing class"),
        "train_cnn counts the classes with len(np.unique(y)) instead of max(y) + 1, too few when a class never occurs",
    ),
    "train_generator_after_model": (
        {"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    rng = np.random.default_rng(rng)
    opt = Adam(lr)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            model.backward(softmax_cross_entropy_grad(model.forward(X[batch]), y[batch]))
            model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("generator", "same generator", "after the model", "permutation", "rng", "seed", "draw"),
        "train_cnn gives the model the raw seed and makes its own generator afterwards, so the permutations restart from the seed",
    ),
    "train_step_result_discarded": (
        {"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    rng = np.random.default_rng(rng)
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    opt = Adam(lr)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            model.backward(softmax_cross_entropy_grad(model.forward(X[batch]), y[batch]))
            opt.step(model.parameters(), model.gradients())
    return model
'''},
        ("set_parameters", "step", "returns", "update", "unchanged", "never changes", "in place", "not trained"),
        "train_cnn calls opt.step but throws away the parameters it returns, so the model never changes",
    ),
    "train_batches_not_permuted": (
        {"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    rng = np.random.default_rng(rng)
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    opt = Adam(lr)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = np.arange(start, min(start + batch_size, len(X)))
            model.backward(softmax_cross_entropy_grad(model.forward(X[batch]), y[batch]))
            model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("permutation", "order", "shuffle", "batch", "in order"),
        "train_cnn draws the permutation but takes the batches in the original order",
    ),
    "train_step_once_per_epoch": (
        {"train_cnn": '''
def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    rng = np.random.default_rng(rng)
    model = SimpleCNN(X.shape[1:], int(y.max()) + 1, rng=rng)
    opt = Adam(lr)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            model.backward(softmax_cross_entropy_grad(model.forward(X[batch]), y[batch]))
        model.set_parameters(opt.step(model.parameters(), model.gradients()))
    return model
'''},
        ("step", "every batch", "per batch", "each batch", "update", "number of steps", "indent"),
        "train_cnn's optimizer step is outdented out of the batch loop: one update per epoch, from the last batch only",
    ),
}
