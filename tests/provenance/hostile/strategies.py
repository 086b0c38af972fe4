"""Hypothesis strategies for hostile image metadata: PNG chunk sets, ComfyUI graphs (API and
editor), A1111 infotexts and EXIF blocks in JPEG, WebP and PNG. Each builds whole files (bytes)
the way the formats are laid out, then breaks them: bad CRCs, bad compression, truncation,
duplicated keys, declared lengths far past the file, links to nowhere, loops, huge numbers, NaN,
non-UTF-8. Everything is small: a "huge" length or size is only *claimed* by a header.
"""

from __future__ import annotations

import io
import json
import struct
import zlib

from hypothesis import strategies as st
from PIL import Image

from workstation.analysis.provenance import comfyui

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEXT_KEYS = (
    "parameters",
    "prompt",
    "workflow",
    "invokeai_metadata",
    "sd-metadata",
    "Dream",
    "Software",
    "Comment",
    "Description",
    "fooocus_scheme",
    "XML:com.adobe.xmp",
)
# every ComfyUI node type the reader treats specially, and a few it does not know
CLASS_TYPES = tuple(
    sorted(
        {
            *comfyui._WIDGETS,
            *comfyui._SAMPLERS,
            *comfyui._OUTPUTS,
            *comfyui._LATENT_UPSCALES,
            *comfyui._PIXEL_UPSCALES,
            "VAEDecode",
            "VAEEncode",
            "SetLatentNoiseMask",
            "LoraLoader",
            "CheckpointLoader",
            "Reroute",
            "Note",
        }
    )
)
INPUT_NAMES = tuple(
    sorted(
        {name for names in comfyui._WIDGETS.values() for name in names}
        | {"model", "clip", "vae", "positive", "negative", "latent_image", "samples", "images"}
        | {"image", "pixels", "mask", "noise", "guider", "sampler", "sigmas", "conditioning"}
        | {"upscale_model", "latent", "value", "string", "int", "float"}
    )
)

# --- values ---------------------------------------------------------------------------------

HUGE_INTS = st.sampled_from([2**63, -(2**63) - 1, 10**100, 10**400, -(10**4000), 2**31 - 1])
ODD_FLOATS = st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -1e-308, 5e-324])
NUMBERISH_TEXT = st.sampled_from(
    ["NaN", "inf", "-Infinity", "1e308", "1e999", "9" * 5000, "0x10", "½", "٣", "", " ", "1_000"]
)
TEXT = st.text(max_size=40)


def scalars() -> st.SearchStrategy:
    """Anything a JSON field may hold where a number or a name was expected."""
    return st.one_of(
        st.integers(-(2**70), 2**70),
        HUGE_INTS,
        st.floats(allow_nan=True, allow_infinity=True),
        ODD_FLOATS,
        NUMBERISH_TEXT,
        TEXT,
        st.booleans(),
        st.none(),
    )


def json_values(depth: int = 2) -> st.SearchStrategy:
    return st.recursive(
        scalars(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
        max_leaves=8 if depth else 1,
    )


def dumps(value: object) -> str:
    """JSON as a careless writer makes it: NaN and Infinity as bare words, ints of any size up
    to Python's own 4300-digit limit (HUGE_INTS stays below it)."""
    return json.dumps(value, allow_nan=True, ensure_ascii=False)


# --- ComfyUI ----------------------------------------------------------------------------------


@st.composite
def comfy_api_graphs(draw: st.DrawFn) -> dict:
    """{"id": {"class_type", "inputs"}}: links `[node_id, index]` to anywhere (missing nodes,
    themselves, cycles), wrong types, huge numbers, NaN, strings where numbers belong."""
    ids = draw(
        st.lists(
            st.one_of(st.integers(0, 40).map(str), st.sampled_from(["a", "-1", "1.5", " 3", "0"])),
            min_size=1,
            max_size=12,
            unique=True,
        )
    )
    link_target = st.one_of(st.sampled_from(ids), st.sampled_from(["999", "x", ""]), scalars())
    link = st.tuples(link_target, st.one_of(st.integers(-1, 3), scalars())).map(list)
    value = st.one_of(link, link, scalars(), json_values(), st.lists(scalars(), max_size=3))
    graph: dict = {}
    for node_id in ids:
        node = {
            "class_type": draw(st.one_of(st.sampled_from(CLASS_TYPES), scalars())),
            "inputs": draw(
                st.one_of(
                    st.dictionaries(st.sampled_from(INPUT_NAMES), value, max_size=10),
                    scalars(),
                    st.lists(value, max_size=2),
                )
            ),
        }
        if draw(st.booleans()) and draw(st.booleans()):
            node = draw(st.one_of(scalars(), st.just({"inputs": node["inputs"]})))
        graph[node_id] = node
    return graph


def comfy_chain(length: int, kind: str, loop: bool) -> dict:
    """A deep chain: a sampler whose latent (or model) runs back through `length` nodes."""
    inputs_of = {"latent": "samples", "model": "model", "clip": "clip", "text": "text"}
    graph = {
        "0": {
            "class_type": "KSampler",
            "inputs": {
                "seed": ["1", 0] if kind == "text" else 5,
                "steps": 20,
                "cfg": 7.0,
                "sampler_name": "euler",
                "scheduler": "normal",
                "denoise": 1.0,
                "model": ["1", 0] if kind == "model" else ["9000000", 0],
                "positive": ["1", 0] if kind == "clip" else ["9000001", 0],
                "negative": ["9000002", 0],
                "latent_image": ["1", 0] if kind == "latent" else ["9000003", 0],
            },
        },
        "9000009": {"class_type": "SaveImage", "inputs": {"images": ["9000008", 0]}},
        "9000008": {"class_type": "VAEDecode", "inputs": {"samples": ["0", 0]}},
    }
    node_kind = {
        "latent": "LatentUpscaleBy",
        "model": "LoraLoader",
        "clip": "CLIPSetLastLayer",
        "text": "PrimitiveNode",
    }[kind]
    for i in range(1, length + 1):
        following = str(i + 1) if i < length else ("1" if loop else "9000010")
        inputs = {inputs_of[kind]: [following, 0], "lora_name": f"l{i}.safetensors"}
        if kind == "clip":
            inputs["clip"] = [following, 0]
        graph[str(i)] = {"class_type": node_kind, "inputs": inputs}
    return graph


@st.composite
def comfy_workflows(draw: st.DrawFn) -> dict:
    """The editor's graph: {"nodes": [{id, type, mode, inputs, widgets_values}], "links": …}."""
    ids = draw(st.lists(st.integers(-2, 30), min_size=1, max_size=10, unique=True))
    link_ids = draw(st.lists(st.integers(-2, 40), max_size=12))
    links = [
        draw(
            st.one_of(
                st.tuples(
                    st.just(link_id),
                    st.one_of(st.sampled_from(ids), scalars()),
                    st.one_of(st.integers(-1, 3), scalars()),
                    st.sampled_from(ids),
                    st.integers(0, 3),
                    st.sampled_from(["LATENT", "MODEL", "INT"]),
                ).map(list),
                st.fixed_dictionaries(
                    {"id": st.just(link_id), "origin_id": scalars(), "origin_slot": scalars()}
                ),
                scalars(),
            )
        )
        for link_id in link_ids
    ]
    slot = st.fixed_dictionaries(
        {"name": st.one_of(st.sampled_from(INPUT_NAMES), scalars()), "link": scalars()}
    ) | st.fixed_dictionaries(
        {"name": st.sampled_from(INPUT_NAMES), "link": st.sampled_from(link_ids or [0])}
    )
    nodes = [
        draw(
            st.fixed_dictionaries(
                {
                    "id": st.just(node_id),
                    "type": st.one_of(st.sampled_from(CLASS_TYPES), scalars()),
                    "mode": st.sampled_from([0, 2, 4, "x", None]),
                    "inputs": st.one_of(st.lists(slot, max_size=6), scalars(), json_values()),
                    "widgets_values": st.one_of(
                        st.lists(st.one_of(scalars(), st.sampled_from(["fixed", "randomize"]))),
                        scalars(),
                    ),
                }
            )
        )
        for node_id in ids
    ]
    return {
        "nodes": draw(st.one_of(st.just(nodes), scalars())),
        "links": draw(st.one_of(st.just(links), scalars())),
    }


# --- A1111 ------------------------------------------------------------------------------------

A1111_KEYS = (
    "Steps",
    "Sampler",
    "Schedule type",
    "CFG scale",
    "Seed",
    "Size",
    "Model hash",
    "Model",
    "VAE",
    "Denoising strength",
    "Clip skip",
    "ENSD",
    "RNG",
    "Version",
    "Hashes",
    "Lora hashes",
    "TI hashes",
    "Lora weights",
    "Hires upscale",
    "Hires resize",
    "Hires steps",
    "Hires upscaler",
    "Hires checkpoint",
    "Refiner",
    "Refiner switch at",
    "Refiner switch by sampling steps",
    "Variation seed",
    "Variation seed strength",
    "Seed resize from",
    "ControlNet 0",
    "ADetailer model",
    "ADetailer model 2nd",
    "ADetailer steps 3rd",
    "ADetailer CFG scale 99999999999999999999th",
    "ADetailer denoising strength",
    "ADetailer checkpoint",
    "ADetailer version",
)
A1111_VALUES = st.one_of(
    NUMBERISH_TEXT,
    st.integers().map(str),
    HUGE_INTS.map(lambda n: str(n) if abs(n) < 10**4000 else "9" * 5000),
    st.sampled_from(["euler a", "DPM++ 2M Karras", "Latent", "ESRGAN_4x", "v1.8.0", "1.6"]),
    st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)).map(lambda s: f"{s[0]}x{s[1]}"),
    st.sampled_from(["99999999999999999999x1", "1x" + "9" * 5000, "0x0", "8x8"]),
    st.sampled_from(['{"model": "abc", "lora:x": 1}', '{"lora:', "[1,2]", '{"a": NaN}']),
    st.sampled_from(['"a, b: c', '"\\ud800"', '"\\u00e9, x"', '"unterminated']),
    st.sampled_from(["a: 1, b", ": , :", "x:", "name [0123abcd]", "Model: cn, x"]),
    TEXT.filter(lambda s: "\n" not in s),
)


# each a class of value that once broke the reader: digits past int()'s limit, arithmetic past
# any float, text that made a regex quadratic
HOSTILE_SETTINGS = (
    ("Size", "9" * 5000 + "x8"),
    ("Size", "999999999x8"),
    ("Hires upscale", "1e308"),
    ("Hires resize", "1x" + "9" * 5000),
    ("Version", "v" + "9" * 5000 + ".1"),
    ("ADetailer model " + "9" * 5000 + "th", "face.pt"),
    ("Refiner", "r" + " " * 5000 + "x"),
    ("Refiner switch at", "1e308"),
    ("Refiner switch by sampling steps", "True"),
    ("Steps", "9" * 99),
    ("Denoising strength", "0.5"),
)


@st.composite
def a1111_infotexts(draw: st.DrawFn) -> bytes:
    """Prompt lines, maybe "Negative prompt:", a settings line of random `Key: value` pairs
    (JSON-quoted or broken), extra-network tags; returned as bytes, sometimes not UTF-8."""
    tag = st.sampled_from(
        [
            *("<lora:x:0.8>", "<lora:y:te=1e999:unet=NaN>", "<lora::>", "<lyco:z:1:2:3:4>"),
            *("<lora:>", "<a:" * 5000),  # tags left open: once quadratic
        ]
    )
    prompt = " ".join(draw(st.lists(st.one_of(TEXT, tag), max_size=4)))
    negative = draw(st.one_of(st.none(), TEXT, tag))
    pairs = draw(
        st.lists(st.tuples(st.one_of(st.sampled_from(A1111_KEYS), TEXT), A1111_VALUES), max_size=14)
    )
    pairs += draw(st.lists(st.sampled_from(HOSTILE_SETTINGS), max_size=3))

    def quoted(value: str) -> str:
        if draw(st.booleans()) and ("," in value or ":" in value):
            return json.dumps(value)
        return value

    line = ", ".join(f"{key}: {quoted(value)}" for key, value in pairs)
    text = prompt + (f"\nNegative prompt: {negative}" if negative is not None else "") + "\n" + line
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=6)) + data[cut:]
    return data


# --- InvokeAI, Fooocus, NovelAI -------------------------------------------------------------

GENERATOR_KEYS = (
    *("positive_prompt", "negative_prompt", "seed", "steps", "cfg_scale", "scheduler", "width"),
    *("height", "clip_skip", "model", "loras", "vae", "strength", "generation_mode", "hrf_enabled"),
    *("hrf_strength", "refiner_model", "refiner_steps", "refiner_start", "refiner_cfg_scale"),
    *("refiner_scheduler", "app_version", "image", "prompt", "model_weights", "model_hash"),
    *("type", "sampler", "resolution", "guidance_scale", "base_model", "refiner_switch", "scale"),
    *("uc", "noise_schedule", "cfg", "version", "lora", "weight", "name", "hash", "model_name"),
)


def generator_json() -> st.SearchStrategy[dict]:
    """A JSON object with the keys InvokeAI, Fooocus and NovelAI write, holding anything."""
    nested = st.dictionaries(st.sampled_from(GENERATOR_KEYS), scalars(), max_size=4)
    value = st.one_of(scalars(), scalars(), json_values(), nested, st.lists(nested, max_size=2))
    return st.dictionaries(st.sampled_from(GENERATOR_KEYS), value, max_size=12)


@st.composite
def generator_texts(draw: st.DrawFn) -> dict[str, bytes]:
    """PNG text fields as InvokeAI (3.x, 2.x "sd-metadata", 1.x "Dream"), Fooocus (JSON
    "parameters" with its scheme) or NovelAI ("Software", "Comment") write them."""
    body = dumps(draw(generator_json())).encode("utf-8", "surrogatepass")
    kind = draw(st.sampled_from(["invokeai", "sd-metadata", "dream", "fooocus", "novelai"]))
    if kind == "dream":
        words = draw(st.lists(st.one_of(st.sampled_from(["-s", "-S", "-W", "-C", "-A"]), TEXT)))
        return {"Dream": " ".join(words).encode("utf-8", "surrogatepass")}
    if kind == "fooocus":
        return {"parameters": body, "fooocus_scheme": draw(st.sampled_from([b"fooocus", b"a1111"]))}
    if kind == "novelai":
        return {"Software": b"NovelAI", "Description": b"a cat", "Comment": body}
    return {{"invokeai": "invokeai_metadata"}.get(kind, kind): body}


# --- PNG --------------------------------------------------------------------------------------


def png_chunk(kind: bytes, payload: bytes, crc: int | None = None) -> bytes:
    value = zlib.crc32(kind + payload) if crc is None else crc
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", value)


def tiny_png(width: int = 8, height: int = 8) -> list[bytes]:
    """[IHDR, IDAT] of an 8-bit greyscale image: valid up to 64 px a side; a larger size is only
    claimed by the header (its data is one row)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress((b"\x00" + b"\x80" * min(width, 64)) * min(height, 64))
    return [png_chunk(b"IHDR", header), png_chunk(b"IDAT", rows)]


def text_bodies() -> st.SearchStrategy[bytes]:
    """What a text chunk may carry: generator text of every kind, or junk."""
    return st.one_of(
        a1111_infotexts(),
        comfy_api_graphs().map(lambda g: dumps(g).encode("utf-8", "surrogatepass")),
        comfy_workflows().map(lambda g: dumps(g).encode("utf-8", "surrogatepass")),
        json_values().map(lambda v: dumps(v).encode("utf-8", "surrogatepass")),
        st.binary(max_size=200),
        st.sampled_from(
            [b"NovelAI", b"{", b"[[[[" * 300 + b"]" * 1200, b'{"a":' * 2000, b"Fooocus"]
        ),
    )


@st.composite
def text_chunks(draw: st.DrawFn) -> bytes:
    """A tEXt, zTXt or iTXt chunk, well or badly made."""
    kind = draw(st.sampled_from([b"tEXt", b"zTXt", b"iTXt"]))
    key = draw(
        st.one_of(
            st.sampled_from(TEXT_KEYS).map(str.encode),
            st.binary(max_size=90),
            st.just(b""),
            st.just(b"k" * 200),
        )
    )
    body = draw(text_bodies())
    compress = draw(st.sampled_from(["good", "bad", "truncated", "none"]))
    packed = {
        "good": zlib.compress(body),
        "bad": draw(st.binary(max_size=40)),
        "truncated": zlib.compress(body)[: max(0, len(zlib.compress(body)) - 3)],
        "none": body,
    }[compress]
    if kind == b"tEXt":
        payload = key + b"\x00" + body
    elif kind == b"zTXt":
        method = draw(st.sampled_from([b"\x00", b"\x00", b"\x07"]))
        payload = key + b"\x00" + method + packed
    else:
        flag = b"\x00" if compress == "none" else b"\x01"
        method = draw(st.sampled_from([b"\x00", b"\x00", b"\x09"]))
        language = draw(st.sampled_from([b"", b"en", b"\xff\xfe"]))
        translated = draw(st.sampled_from([b"", "ключ".encode(), b"\xc3"]))
        payload = key + b"\x00" + flag + method + language + b"\x00" + translated + b"\x00"
        payload += packed
    if draw(st.integers(0, 9)) == 0:
        payload = payload.replace(b"\x00", b"", 1)  # keyword without its separator
    crc = draw(st.one_of(st.none(), st.none(), st.integers(0, 2**32 - 1)))
    return png_chunk(kind, payload, crc)


@st.composite
def png_files(draw: st.DrawFn) -> bytes:
    """Signature, IHDR, IDAT, IEND, with extra chunks among them: text chunks (random keys,
    duplicated keys), eXIf blocks, unknown chunks, a chunk whose declared length runs far past
    the file, a truncated end, junk after IEND."""
    width, height = draw(st.sampled_from([(8, 8), (1, 1), (16, 9), (0, 0), (70000, 70000)]))
    ihdr, idat = tiny_png(width, height)
    extras = draw(
        st.lists(
            st.one_of(
                text_chunks(),
                text_chunks(),
                exif_blocks().map(lambda block: png_chunk(b"eXIf", block)),
                st.tuples(
                    st.sampled_from([b"caBX", b"tIME", b"zzzz", b"IDAT"]), st.binary(max_size=30)
                ).map(lambda kp: png_chunk(*kp)),
            ),
            max_size=6,
        )
    )
    if extras and draw(st.booleans()):
        extras.append(extras[0])  # the same keyword twice
    position = draw(st.integers(0, 2))  # before IHDR, between IHDR and IDAT, after IDAT
    chunks = [ihdr, idat]
    chunks[position:position] = extras
    data = PNG_SIGNATURE + b"".join(chunks)
    ending = draw(st.sampled_from(["iend", "iend", "huge length", "truncated", "none"]))
    if ending == "huge length":  # a chunk that claims (nearly) 4 GiB, then nothing
        data += struct.pack(">I", draw(st.sampled_from([0x7FFFFFFF, 0xFFFFFFFF, 1 << 30])))
        data += draw(st.sampled_from([b"tEXt", b"zTXt", b"iTXt", b"eXIf"])) + b"parameters\x00"
    elif ending == "truncated":
        data = data[: draw(st.integers(len(PNG_SIGNATURE), len(data)))]
    elif ending == "iend":
        data += png_chunk(b"IEND", b"")
    return data + draw(st.one_of(st.just(b""), st.binary(max_size=40)))


# --- EXIF -------------------------------------------------------------------------------------

USER_COMMENT_CODES = (
    b"UNICODE\x00",
    b"ASCII\x00\x00\x00",
    b"JIS\x00\x00\x00\x00\x00",
    b"\x00" * 8,
    b"",
    b"UNICOD",
)
EXIF_TAGS = (
    0x010E,  # ImageDescription
    0x010F,  # Make
    0x0110,  # Model
    0x0131,  # Software
    0x0132,  # DateTime
    0x9286,  # UserComment
    0x927C,  # MakerNote
    0x9C9B,  # XPTitle
    0x8769,  # Exif IFD pointer
    0x8825,  # GPS IFD pointer
    0xA005,  # Interop IFD pointer
    0x0000,
    0xFFFF,
)


@st.composite
def user_comments(draw: st.DrawFn) -> bytes:
    code = draw(st.sampled_from(USER_COMMENT_CODES))
    text = draw(st.one_of(a1111_infotexts().map(lambda b: b.decode("utf-8", "replace")), TEXT))
    codec = draw(st.sampled_from(["utf-16-le", "utf-16-be", "utf-16", "utf-8", "shift_jis"]))
    body = text.encode(codec, "replace")
    if draw(st.booleans()):
        body += draw(st.binary(max_size=3))  # odd lengths, stray bytes
    return code + body


@st.composite
def exif_blocks(draw: st.DrawFn) -> bytes:
    """A TIFF block built by hand: IFD0 and maybe an Exif sub-IFD with random entries — wrong
    types and counts, offsets past the end or into the header, IFDs that point at themselves
    or each other, counts that claim gigabytes; a UserComment in a random encoding."""
    order = draw(st.sampled_from(["<", ">"]))
    magic = draw(st.sampled_from([42, 42, 42, 43, 0]))
    comment = draw(user_comments())
    blob = bytearray(comment)  # data area after the IFDs

    def entries(count: int, data_at: int) -> list[bytes]:
        made = []
        for _ in range(count):
            tag = draw(st.sampled_from(EXIF_TAGS))
            kind = draw(st.integers(0, 14))
            claimed = draw(st.sampled_from([0, 1, 4, len(comment), 0xFFFFFFFF, 1 << 28]))
            value = draw(
                st.one_of(
                    st.just(data_at),  # the comment
                    st.just(8),  # IFD0 itself: a loop
                    st.integers(0, 0xFFFFFFFF),
                )
            )
            if tag == 0x9286 and draw(st.booleans()):
                kind, claimed, value = 7, len(comment), data_at
            made.append(struct.pack(order + "HHII", tag, kind, claimed, value))
        return made

    count = draw(st.integers(0, 8))
    declared = draw(st.one_of(st.just(count), st.integers(0, 0xFFFF)))
    ifd_size = 2 + 12 * count + 4
    sub_at = 8 + ifd_size
    sub_count = draw(st.integers(0, 4))
    data_at = sub_at + 2 + 12 * sub_count + 4
    ifd0 = struct.pack(order + "H", declared) + b"".join(entries(count, data_at))
    next_ifd = draw(st.sampled_from([0, 0, 8, sub_at, 0xFFFFFFF0]))
    ifd0 += struct.pack(order + "I", next_ifd)
    sub = struct.pack(order + "H", sub_count) + b"".join(entries(sub_count, data_at))
    sub += struct.pack(order + "I", draw(st.sampled_from([0, 8, sub_at])))
    header = (b"II" if order == "<" else b"MM") + struct.pack(order + "HI", magic, 8)
    block = header + ifd0 + sub + bytes(blob)
    if draw(st.integers(0, 4)) == 0:
        block = block[: draw(st.integers(0, len(block)))]
    return block


def _pillow_image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 160, 90)).save(out, fmt)
    return out.getvalue()


TINY_JPEG = _pillow_image("JPEG")
TINY_WEBP = _pillow_image("WEBP")


def jpeg_with(segments: list[bytes]) -> bytes:
    """The tiny JPEG with APP segments after SOI; a segment over 65533 bytes claims a wrong
    length (as a broken writer would)."""
    made = b"".join(
        b"\xff" + marker + struct.pack(">H", min(len(body) + 2, 0xFFFF)) + body
        for marker, body in segments
    )
    return TINY_JPEG[:2] + made + TINY_JPEG[2:]


def webp_with(chunks: list[tuple[bytes, bytes]], declared: int | None = None) -> bytes:
    """The tiny WebP with extra RIFF chunks after its own; `declared` overrides the RIFF size."""
    body = TINY_WEBP[12:] + b"".join(
        fourcc + struct.pack("<I", len(data)) + data + b"\x00" * (len(data) & 1)
        for fourcc, data in chunks
    )
    size = len(body) + 4 if declared is None else declared
    return b"RIFF" + struct.pack("<I", size) + b"WEBP" + body


@st.composite
def exif_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, bytes): an EXIF block in a JPEG APP1, a WebP EXIF chunk or a PNG eXIf chunk,
    sometimes with its "Exif\\0\\0" prefix, sometimes several blocks."""
    blocks = draw(st.lists(exif_blocks(), min_size=1, max_size=3))
    prefix = draw(st.sampled_from([b"Exif\x00\x00", b"Exif\x00\x00", b""]))
    container = draw(st.sampled_from(["jpeg", "webp", "png"]))
    if container == "jpeg":
        return ".jpg", jpeg_with([(b"\xe1", b"Exif\x00\x00" + block) for block in blocks])
    if container == "webp":
        declared = draw(st.one_of(st.none(), st.integers(0, 0xFFFFFFFF)))
        return ".webp", webp_with([(b"EXIF", prefix + block) for block in blocks], declared)
    extra = b"".join(png_chunk(b"eXIf", prefix + block) for block in blocks)
    ihdr, idat = tiny_png()
    return ".png", PNG_SIGNATURE + ihdr + extra + idat + png_chunk(b"IEND", b"")
