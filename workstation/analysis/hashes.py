"""Perceptual hashes through `imagehash`, with their Hamming distances.

The hash functions are imagehash's own, called with imagehash's default parameters, on the RGB
array from `images.load_image` turned back into a PIL image: a direct `imagehash.phash(...)` call on
the same pixels gives the same hex.
"""

from __future__ import annotations

from dataclasses import dataclass

import imagehash
import numpy as np
from PIL import Image

# name -> (function, keyword arguments). All are imagehash's defaults, written out for the record.
HASHES = {
    "ahash": (imagehash.average_hash, {"hash_size": 8}),
    "dhash": (imagehash.dhash, {"hash_size": 8}),
    "phash": (imagehash.phash, {"hash_size": 8, "highfreq_factor": 4}),
    "whash": (imagehash.whash, {"hash_size": 8, "mode": "haar"}),
    "colorhash": (imagehash.colorhash, {"binbits": 3}),
}
CROP_RESISTANT = {
    "hash_func": "dhash",
    "limit_segments": None,
    "segment_threshold": 128,
    "min_segment_size": 500,
    "segmentation_image_size": 300,
}
# imagehash's default for ImageMultiHash matching: a segment matches when at most 25 % of its bits
# differ from the closest segment of the other image.
CROP_RESISTANT_BIT_ERROR_RATE = 0.25


@dataclass(frozen=True)
class HashDistance:
    name: str
    hex_a: str
    hex_b: str
    bits: int
    distance: int  # Hamming distance, imagehash's `hash_a - hash_b`

    @property
    def similarity(self) -> float:
        return 1.0 - self.distance / self.bits

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "hex_a": self.hex_a,
            "hex_b": self.hex_b,
            "bits": self.bits,
            "distance": self.distance,
            "similarity": round(self.similarity, 6),
        }


@dataclass(frozen=True)
class CropResistantDistance:
    """imagehash's crop-resistant hash: one dHash per segment of the image.

    `matched_a_in_b` counts A's segments whose closest segment in B is within the bit error rate;
    the similarity is the larger of the two matched fractions, so a crop matches its source
    whichever side it is on.
    """

    hex_a: str
    hex_b: str
    segments_a: int
    segments_b: int
    matched_a_in_b: int
    matched_b_in_a: int
    score: float  # imagehash's `multihash_a - multihash_b` (0 = every segment matched exactly)
    bit_error_rate: float = CROP_RESISTANT_BIT_ERROR_RATE

    @property
    def similarity(self) -> float:
        return max(self.matched_a_in_b / self.segments_a, self.matched_b_in_a / self.segments_b)

    def to_dict(self) -> dict:
        return {
            "name": "crop_resistant",
            "hex_a": self.hex_a,
            "hex_b": self.hex_b,
            "segments_a": self.segments_a,
            "segments_b": self.segments_b,
            "matched_a_in_b": self.matched_a_in_b,
            "matched_b_in_a": self.matched_b_in_a,
            "score": round(self.score, 6),
            "bit_error_rate": self.bit_error_rate,
            "similarity": round(self.similarity, 6),
        }


def image_hashes(rgb: np.ndarray, names=tuple(HASHES)) -> dict[str, imagehash.ImageHash]:
    image = Image.fromarray(rgb)
    return {name: HASHES[name][0](image, **HASHES[name][1]) for name in names}


def compare_hashes(rgb_a: np.ndarray, rgb_b: np.ndarray) -> tuple[HashDistance, ...]:
    hashes_a, hashes_b = image_hashes(rgb_a), image_hashes(rgb_b)
    return tuple(
        HashDistance(
            name=name,
            hex_a=str(hashes_a[name]),
            hex_b=str(hashes_b[name]),
            bits=hashes_a[name].hash.size,
            distance=int(hashes_a[name] - hashes_b[name]),
        )
        for name in HASHES
    )


def crop_resistant_hash(rgb: np.ndarray) -> imagehash.ImageMultiHash:
    options = dict(CROP_RESISTANT, hash_func=imagehash.dhash)
    return imagehash.crop_resistant_hash(Image.fromarray(rgb), **options)


def compare_crop_resistant(rgb_a: np.ndarray, rgb_b: np.ndarray) -> CropResistantDistance:
    return compare_multihashes(crop_resistant_hash(rgb_a), crop_resistant_hash(rgb_b))


def compare_multihashes(
    hash_a: imagehash.ImageMultiHash, hash_b: imagehash.ImageMultiHash
) -> CropResistantDistance:
    rate = CROP_RESISTANT_BIT_ERROR_RATE
    return CropResistantDistance(
        hex_a=str(hash_a),
        hex_b=str(hash_b),
        segments_a=len(hash_a.segment_hashes),
        segments_b=len(hash_b.segment_hashes),
        matched_a_in_b=hash_a.hash_diff(hash_b, bit_error_rate=rate)[0],
        matched_b_in_a=hash_b.hash_diff(hash_a, bit_error_rate=rate)[0],
        score=float(hash_a.__sub__(hash_b, bit_error_rate=rate)),
    )


def hash_to_uint64(value: imagehash.ImageHash) -> int:
    """The hash's bits, first bit most significant, zero-padded to 64 (for numpy Hamming search)."""
    bits = np.asarray(value.hash, dtype=bool).ravel()
    if bits.size > 64:
        raise ValueError(f"hash has {bits.size} bits; the corpus index stores at most 64")
    padded = np.zeros(64, dtype=bool)
    padded[: bits.size] = bits
    return int.from_bytes(np.packbits(padded).tobytes(), "big")
