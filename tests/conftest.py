import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Derandomized: the same examples on every run, so a CI failure reproduces.
settings.register_profile("nnlab", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("nnlab")

collect_ignore_glob = ["fixtures/*"]


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def require_torch():
    """Import torch, or skip; with NNLAB_REQUIRE_TORCH=1 (CI) a missing torch is a failure."""
    try:
        import torch
    except ImportError:
        if os.environ.get("NNLAB_REQUIRE_TORCH") == "1":
            pytest.fail("NNLAB_REQUIRE_TORCH=1 but torch is not installed (pip install torch==2.13.0)")
        pytest.skip("torch is not installed (pip install torch==2.13.0 to run the PyTorch comparisons)")
    torch.set_default_dtype(torch.float64)
    return torch
