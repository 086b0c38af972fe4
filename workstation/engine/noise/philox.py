"""NVIDIA's Philox4x32-10 generator and Box–Muller transform, as torch's CUDA ``randn`` uses them.

torch draws normal noise on an NVIDIA GPU with cuRAND's Philox4x32-10 (Salmon et al., "Parallel
random numbers: as easy as 1, 2, 3", SC 2011): a counter-based generator, so any element can be
computed on its own from (seed, counter) and the GPU's noise can be recomputed on any device.
A1111 calls this mode "NV" (its ``modules/rng_philox.py``); this module implements the same
published algorithm, vectorised with numpy.

How torch maps a ``randn(shape)`` call onto Philox (ATen ``distribution_nullary_kernel``):

- key = the 64-bit seed (low word, high word);
- element i is computed by thread i with counter (call offset, 0, i, 0): the thread id is the
  cuRAND "subsequence", and each ``randn`` call moves the offset on by one Philox block;
- the first two 32-bit outputs go through Box–Muller and the sine branch is the value.

That layout holds while the GPU has a thread for every element: numel <= SMs × max threads per
SM (RTX 3090: 82 × 1536 = 125952; RTX 3060: 28 × 1536 = 43008). A 512² SD latent (16384
values) fits nearly every card; SDXL's 65536 does not fit an RTX 3060 or 4060. For a larger
tensor torch lets each thread produce four values per Philox block, spread across the tensor;
``threads`` (the card's SMs × max threads per SM) selects that layout, derived from the PyTorch
source and not yet checked against a GPU here. A1111's "NV" always uses the first layout.

Box–Muller is evaluated as A1111 does, in float64 from cuRAND's float32 constants and rounded to
float32: bit-identical to A1111's "NV" noise. A GPU evaluates it in float32 with hardware
sine/cosine, so GPU noise agrees with this to about 1e-6, not bit for bit.
"""

from __future__ import annotations

import numpy as np

from workstation.core.errors import InputError

# Philox4x32 round multipliers and Weyl key increments (Salmon et al., table 2; cuRAND's values).
_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT32 = np.uint64(32)
ROUNDS = 10

# cuRAND's CURAND_2POW32_INV and CURAND_2POW32_INV_2PI, as float32 constants.
_INV32 = np.float64(np.float32(2.3283064e-10))
_INV32_HALF = np.float64(np.float32(2.3283064e-10) / np.float32(2))
_INV32_2PI = np.float64(np.float32(2.3283064e-10 * 6.2831855))
_INV32_2PI_HALF = np.float64(np.float32(2.3283064e-10 * 6.2831855) / np.float32(2))

_SEED_MIN, _SEED_MAX = -(2**63), 2**64 - 1


def seed_key(seed: int) -> tuple[int, int]:
    """The Philox key for a seed: torch's 64-bit seed split into (low, high) 32-bit words.

    torch accepts seeds from -2**63 to 2**64-1 and takes a negative one modulo 2**64; the same
    here, so seeds above 2**32 keep their high word (the CPU generator, by contrast, only uses the
    low 32 bits).
    """
    seed = int(seed)
    if not _SEED_MIN <= seed <= _SEED_MAX:
        raise InputError(f"seed {seed} is outside the 64-bit range torch accepts")
    seed %= 2**64
    return seed & 0xFFFFFFFF, seed >> 32


def philox4x32(counter: np.ndarray, key: tuple[int, int], rounds: int = ROUNDS) -> np.ndarray:
    """Philox4x32-``rounds`` of a (4, N) uint32 counter array under one key: (4, N) uint32."""
    c0, c1, c2, c3 = (np.asarray(word, dtype=np.uint64) for word in counter)
    k0, k1 = key
    for r in range(rounds):
        if r:  # the key is bumped between rounds, not before the first
            k0, k1 = (k0 + _W0) & 0xFFFFFFFF, (k1 + _W1) & 0xFFFFFFFF
        p0 = c0 * _M0  # < 2**64: exact in uint64
        p1 = c2 * _M1
        c0, c1, c2, c3 = (
            (p1 >> _SHIFT32) ^ c1 ^ np.uint64(k0),
            p1 & _MASK32,
            (p0 >> _SHIFT32) ^ c3 ^ np.uint64(k1),
            p0 & _MASK32,
        )
    return np.stack([c0, c1, c2, c3]).astype(np.uint32)


def box_muller(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """cuRAND's Box–Muller pair (sine branch, cosine branch) for uint32 inputs, as float32.

    u and v are offset by half a step so that u is never 0 (log) — cuRAND's choice.
    """
    s, v = _radius_angle(x, y)
    return (s * np.sin(v)).astype(np.float32), (s * np.cos(v)).astype(np.float32)


def _radius_angle(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u = x.astype(np.float64) * _INV32 + _INV32_HALF
    v = y.astype(np.float64) * _INV32_2PI + _INV32_2PI_HALF
    return np.sqrt(-2.0 * np.log(u)), v


def randn(
    shape: tuple[int, ...], seed: int, offset: int = 0, threads: int | None = None
) -> np.ndarray:
    """The float32 values torch's CUDA ``randn(shape)`` gives at Philox offset ``offset``.

    ``offset`` counts earlier draws from the same generator, in Philox blocks (one per ``randn``
    call in the one-thread-per-element layout; :func:`blocks_used` tells how many a call uses).
    ``threads``: the number of GPU threads torch launches when the tensor is larger than that;
    None means one thread per element (A1111's "NV").
    """
    n = int(np.prod(shape, dtype=np.int64))
    if n >= 2**32:
        raise InputError(f"noise of {n} values is larger than one Philox subsequence range")
    key = seed_key(seed)
    index = np.arange(n, dtype=np.uint64)
    if threads is None or n <= threads:
        thread, block, lane = index, np.zeros(n, np.uint64), None
    else:
        # torch: thread t fills elements t, t+T, t+2T, t+3T from one Philox block, then moves on
        # by 4T elements and one block.
        per_block = np.uint64(4 * threads)
        block, within = index // per_block, index % per_block
        lane, thread = within // np.uint64(threads), within % np.uint64(threads)
    counter_offset = np.uint64(offset) + block
    counter = np.stack(
        [
            counter_offset & _MASK32,
            counter_offset >> _SHIFT32,
            thread & _MASK32,
            thread >> _SHIFT32,
        ]
    )
    g = philox4x32(counter, key)
    if lane is None:
        s, v = _radius_angle(g[0], g[1])  # the sine branch alone: no cosine to compute
        values = (s * np.sin(v)).astype(np.float32)
    else:
        s01, c01 = box_muller(g[0], g[1])
        s23, c23 = box_muller(g[2], g[3])
        values = np.choose(lane.astype(np.intp), [s01, c01, s23, c23])
    return values.reshape(shape)


def blocks_used(numel: int, threads: int | None = None) -> int:
    """How far one ``randn`` of ``numel`` values moves the generator's offset, in Philox blocks."""
    if threads is None or numel <= threads:
        return 1
    return -(-numel // (4 * threads))


class PhiloxGenerator:
    """A seeded stream of CUDA-equivalent normal draws, each continuing where the last ended."""

    def __init__(self, seed: int, threads: int | None = None):
        seed_key(seed)  # reject a bad seed here, not at the first draw
        self.seed = int(seed)
        self.threads = threads
        self.offset = 0

    def randn(self, shape: tuple[int, ...]) -> np.ndarray:
        values = randn(shape, self.seed, self.offset, self.threads)
        self.offset += blocks_used(values.size, self.threads)
        return values
