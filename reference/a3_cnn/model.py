"""Flatten, a residual block, a small CNN with A1's model contract, and its mini-batch training loop.

relu, relu_grad, Linear, softmax_cross_entropy_grad and Adam are Assignment 1's (given cells)."""
import numpy as np

from .conv import Conv2d
from .pool import MaxPool2d


class Flatten:
    """(N, C, H, W) → (N, C·H·W) in C order, as torch.flatten(x, 1): index c·H·W + h·W + w."""

    def forward(self, x):
        """x (N, C, H, W) → (N, C·H·W); the shape is kept for backward."""
        self.x_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_out):
        """The gradient reshaped back to x's shape."""
        return grad_out.reshape(self.x_shape)


class ResidualBlock:
    """y = relu(x + conv2(relu(conv1(x)))), conv1 and conv2 = Conv2d(C, C, 3, padding=1): y has x's shape."""

    def __init__(self, channels, rng=None):
        """conv1 then conv2, both drawn from one generator."""
        rng = np.random.default_rng(rng)
        self.conv1 = Conv2d(channels, channels, 3, padding=1, rng=rng)
        self.conv2 = Conv2d(channels, channels, 3, padding=1, rng=rng)

    def forward(self, x):
        """z₁ = conv1(x); z₂ = x + conv2(relu(z₁)); y = relu(z₂)."""
        self.z1 = self.conv1.forward(x)
        self.z2 = x + self.conv2.forward(relu(self.z1))
        return relu(self.z2)

    def backward(self, grad_out):
        """g₂ = g·relu'(z₂); dx = g₂ (the skip path) + conv1ᵀ(conv2ᵀ(g₂)·relu'(z₁)); fills both convs' dW, db."""
        g2 = grad_out * relu_grad(self.z2)
        return g2 + self.conv1.backward(self.conv2.backward(g2) * relu_grad(self.z1))


class SimpleCNN:
    """logits = fc(flatten(maxpool₂(relu(conv(x))))): conv = Conv2d(C, channels, 3, padding=1), fc = Linear(channels·⌊H/2⌋·⌊W/2⌋, n_classes)."""

    def __init__(self, in_shape=(1, 8, 8), n_classes=2, channels=4, rng=None):
        """The conv, then the Linear, both drawn from one generator."""
        C, H, W = in_shape
        rng = np.random.default_rng(rng)
        self.conv = Conv2d(C, channels, 3, padding=1, rng=rng)
        self.pool = MaxPool2d(2)
        self.flatten = Flatten()
        self.fc = Linear(channels * (H // 2) * (W // 2), n_classes, rng)

    def forward(self, x):
        """z = conv(x); logits = fc(flatten(pool(relu(z))))."""
        self.z = self.conv.forward(x)
        return self.fc.forward(self.flatten.forward(self.pool.forward(relu(self.z))))

    def backward(self, grad_out):
        """Back through fc, flatten, pool, relu'(z) and conv; fills every dW, db, returns dL/dx."""
        g = self.pool.backward(self.flatten.backward(self.fc.backward(grad_out)))
        return self.conv.backward(g * relu_grad(self.z))

    def parameters(self):
        """[conv.W, conv.b, fc.W, fc.b], the arrays themselves."""
        return [self.conv.W, self.conv.b, self.fc.W, self.fc.b]

    def gradients(self):
        """[conv.dW, conv.db, fc.dW, fc.db], same order as parameters()."""
        return [self.conv.dW, self.conv.db, self.fc.dW, self.fc.db]

    def set_parameters(self, params):
        """Install [conv.W, conv.b, fc.W, fc.b] (the arrays themselves)."""
        self.conv.W, self.conv.b, self.fc.W, self.fc.b = params

    def predict(self, x):
        """ŷ = argmax_c logits(x)_c."""
        return np.argmax(self.forward(x), axis=1)


def train_cnn(X, y, epochs=10, lr=0.03, batch_size=16, rng=0):
    """rng = default_rng(rng); SimpleCNN(X.shape[1:], max(y) + 1, rng=rng); one Adam(lr); per epoch one rng.permutation(N)
    cut into batches of batch_size (the last may be smaller), each: forward, backward(CE grad), Adam step."""
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
