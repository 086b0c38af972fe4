"""What a study sweeps when it is not told: kept apart so that the command line can show these
without importing the analysis stack."""

STRENGTHS = tuple(round(0.05 + 0.1 * i, 2) for i in range(10))  # 0.05, 0.15, … 0.95
STRENGTH_SEEDS = (1, 2, 3)
LORA_SCALES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5)
LORA_SEEDS = (1,)
SEEDS = tuple(range(1, 21))  # the seed sweep (memorisation test)
