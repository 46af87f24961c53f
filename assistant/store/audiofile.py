"""Audio at rest: AES-256-GCM in chunks, streamed both ways, so a dictation is never a playable
file on disk and never has to sit whole in memory.

File layout: ``MAGIC | file id (16 random bytes) | chunk size (u32)``, then per chunk
``length (u32) | nonce (12 random bytes) | ciphertext+tag``. Each chunk's associated data is the
header, the chunk's index and a last-chunk flag, so chunks cannot be reordered, moved between
files, dropped from the end (truncation) or appended to without the tag failing. The key is derived
from the note's own key, so revoking the consent (destroying that key) makes the audio unreadable
even before its blocks are overwritten.
"""
from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path
from typing import BinaryIO, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from assistant.store.errors import StoreError

__all__ = ["MAGIC", "CHUNK", "AudioIntegrityError", "audio_key", "encrypt_stream", "decrypt_chunks",
           "decrypt_file", "plaintext_size", "decrypt_range", "append_record", "read_records"]

MAGIC = b"CNAUDIO1"
CHUNK = 256 * 1024
_HEADER = struct.Struct(">8s16sI")
_LEN = struct.Struct(">I")


class AudioIntegrityError(StoreError):
    """The stored audio was altered, truncated or is not Casenote audio."""


def audio_key(note_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"casenote audio v1").derive(note_key)


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if last else 0)


def encrypt_stream(src: BinaryIO, dst: BinaryIO, key: bytes, chunk: int = CHUNK) -> str:
    """Encrypt ``src`` into ``dst``; returns the SHA-256 of the plaintext (to check the import)."""
    aead, digest = AESGCM(key), hashlib.sha256()
    header = _HEADER.pack(MAGIC, os.urandom(16), chunk)
    dst.write(header)
    index, block = 0, src.read(chunk)
    while True:
        following = src.read(chunk) if block else b""
        last = not following
        digest.update(block)
        nonce = os.urandom(12)
        sealed = aead.encrypt(nonce, block, _aad(header, index, last))
        dst.write(_LEN.pack(len(sealed)) + nonce + sealed)
        if last:
            return digest.hexdigest()
        index, block = index + 1, following


_TAMPERED = "the stored audio failed its integrity check (altered, reordered, truncated or extended)"


def _open_sealed(f: BinaryIO) -> tuple[bytes, int, int]:
    """Check the header of an open encrypted file -> (header, chunk size, file size)."""
    size = os.fstat(f.fileno()).st_size
    header = f.read(_HEADER.size)
    if len(header) < _HEADER.size or _HEADER.unpack(header)[0] != MAGIC:
        raise AudioIntegrityError("the stored audio is not Casenote's encrypted audio")
    return header, _HEADER.unpack(header)[2], size


def _chunks(f: BinaryIO, header: bytes, chunk: int, size: int, buf: memoryview) -> Iterator[tuple]:
    """(nonce, sealed chunk as a view of ``buf``, its associated data) per chunk. The last chunk is
    the one that ends the file; its flag is in the associated data, so a file cut at a chunk
    boundary or with data appended fails the tag instead of being taken as whole."""
    index, at = 0, f.tell()
    while True:
        head = f.read(_LEN.size + 12)
        (length,) = _LEN.unpack(head[:_LEN.size]) if len(head) == _LEN.size + 12 else (-1,)
        if not 16 <= length <= chunk + 16 or f.readinto(buf[:length]) != length:
            raise AudioIntegrityError("the stored audio is truncated or damaged")
        at += len(head) + length
        last = at >= size
        yield head[_LEN.size:], buf[:length], _aad(header, index, last)
        if last:
            return
        index += 1


def decrypt_chunks(path: Path, key: bytes) -> Iterator[bytes]:
    """The plaintext of ``path`` chunk by chunk; raises AudioIntegrityError on any tampering."""
    aead = AESGCM(key)
    with open(path, "rb") as f:
        header, chunk, size = _open_sealed(f)
        for nonce, sealed, aad in _chunks(f, header, chunk, size, memoryview(bytearray(chunk + 16))):
            try:
                yield aead.decrypt(nonce, sealed, aad)
            except InvalidTag:
                raise AudioIntegrityError(_TAMPERED) from None


def decrypt_file(path: Path, key: bytes) -> memoryview:
    """The whole plaintext of ``path`` in memory (for playing, which seeks), decrypted chunk by chunk
    straight into one buffer: no per-chunk copies and no clear copy on disk."""
    aead = AESGCM(key)
    with open(path, "rb", buffering=0) as f:
        header, chunk, size = _open_sealed(f)
        out = memoryview(bytearray(max(0, size - _HEADER.size)))   # the plaintext is shorter than that
        pos = 0
        for nonce, sealed, aad in _chunks(f, header, chunk, size, memoryview(bytearray(chunk + 16))):
            n = len(sealed) - 16
            try:
                aead.decrypt_into(nonce, sealed, aad, out[pos:pos + n])
            except InvalidTag:
                raise AudioIntegrityError(_TAMPERED) from None
            pos += n
        return out[:pos]


def _layout(f: BinaryIO) -> tuple[bytes, int, int, int]:
    """(header, chunk size, number of chunks, plaintext size) of an open encrypted file, from its
    header and its size alone: every chunk but the last is full, so chunk ``i`` starts at a known
    offset. A file whose size fits no such layout is damaged; a cut at a chunk boundary fits one,
    and is caught by the last chunk's tag (its last-chunk flag) when that chunk is read."""
    header, chunk, size = _open_sealed(f)
    record = _LEN.size + 12 + chunk + 16
    body = size - _HEADER.size
    count = max(1, -(-body // record))
    tail = body - (count - 1) * record - (_LEN.size + 12 + 16)
    if chunk <= 0 or not 0 <= tail <= chunk:
        raise AudioIntegrityError("the stored audio is truncated or damaged")
    return header, chunk, count, (count - 1) * chunk + tail


def plaintext_size(path: Path) -> int:
    """How many bytes ``path`` decrypts to, without decrypting it (for a Content-Range header)."""
    with open(path, "rb", buffering=0) as f:
        return _layout(f)[3]


def decrypt_range(path: Path, key: bytes, first: int, last: int) -> memoryview:
    """Plaintext bytes ``first..last`` (inclusive) of ``path``, decrypting only the chunks they lie
    in: a player seeking in a 15-minute dictation asks for a little, and pays for a little. Each
    chunk read is authenticated as in ``decrypt_file``."""
    aead = AESGCM(key)
    with open(path, "rb", buffering=0) as f:
        header, chunk, count, total = _layout(f)
        if not 0 <= first <= last < total:
            raise ValueError(f"byte range {first}-{last} is outside the audio's {total} bytes")
        record = _LEN.size + 12 + chunk + 16
        lo, hi = first // chunk, last // chunk
        out = memoryview(bytearray((hi - lo + 1) * chunk))
        buf, pos = memoryview(bytearray(record)), 0
        f.seek(_HEADER.size + lo * record)
        for index in range(lo, hi + 1):
            n = f.readinto(buf)
            (length,) = _LEN.unpack_from(buf) if n >= _LEN.size else (-1,)
            if length != n - _LEN.size - 12 or not 16 <= length <= chunk + 16:
                raise AudioIntegrityError("the stored audio is truncated or damaged")
            try:
                aead.decrypt_into(bytes(buf[_LEN.size:_LEN.size + 12]), buf[_LEN.size + 12:n],
                                  _aad(header, index, index == count - 1), out[pos:pos + length - 16])
            except InvalidTag:
                raise AudioIntegrityError(_TAMPERED) from None
            pos += length - 16
        start = first - lo * chunk
        return out[start:start + last - first + 1]


# Live capture: audio arrives in small pieces and must be durable (and encrypted) as it arrives, so
# each append is one sealed record ``length (u32) | nonce | ciphertext+tag`` whose associated data is
# the file's name and the record's index. A torn last record (the process killed mid-write) is
# dropped on reading; a damaged or reordered earlier one is an integrity error.
_LIVE = b"CNLIVE1"


def append_record(path: Path, key: bytes, index: int, data: bytes) -> None:
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, data, _LIVE + path.name.encode() + _LEN.pack(index))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "ab") as f:
        f.write(_LEN.pack(len(sealed)) + nonce + sealed)
        f.flush()
        os.fsync(f.fileno())


def read_records(path: Path, key: bytes) -> tuple[bytes, int]:
    """(the plaintext of every whole record, how many there were)."""
    raw = path.read_bytes() if path.is_file() else b""
    out, pos, index = [], 0, 0
    while pos + _LEN.size + 12 <= len(raw):
        (n,) = _LEN.unpack_from(raw, pos)
        body = raw[pos + _LEN.size + 12:pos + _LEN.size + 12 + n]
        if len(body) < n:
            break                                   # torn by a crash mid-append
        nonce = raw[pos + _LEN.size:pos + _LEN.size + 12]
        try:
            out.append(AESGCM(key).decrypt(nonce, body, _LIVE + path.name.encode() + _LEN.pack(index)))
        except InvalidTag:
            if pos + _LEN.size + 12 + n >= len(raw):
                break                               # a torn last record
            raise AudioIntegrityError(f"{path.name}: live audio record {index} failed its check") from None
        pos, index = pos + _LEN.size + 12 + n, index + 1
    return b"".join(out), index
