"""Model examination: ask a model itself whether it holds a work (no Qt).

    membership.py  the scores of each image by each method (the UNet queried at recorded
                   timesteps with recorded noises)
    scoring.py     p-values, effect sizes, permutation test, minimum N (pure functions)
    set_test.py    the set-level test of N works against N controls
    prompts.py     memorised-prompt screen: text-conditional noise magnitude (Wen et al. 2024)
    attribute.py   which local model made an image: VAE reconstruction distance (AEROBLADE)
    executors.py   the items of membership, extraction and the prompt screen for the
                   executors (in this process or on Ray workers; attribution runs here)

A new membership method is one branch in `membership._scores` (its score, lower = more
member-like), its name in `METHODS` and `METHOD_NAMES`, and its settings in `ProbeSettings`;
the statistics, the record and the command take every method from there.
"""

from workstation.analysis.model_exam.scoring import LIMIT

__all__ = ["LIMIT"]
