"""placeholder"""
from autograder.variants import Variant
BUGGY = {}
CORRECT = {}
