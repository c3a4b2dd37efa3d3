"""Assignment 3-CNN (convolution and pooling in NumPy): reference solutions; the API is fixed by assignments/a3_cnn/SPEC.md."""
