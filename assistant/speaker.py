"""Keep only the officer's voice: compare each short window of a dictation with the officer's
enrolled voiceprint (resemblyzer speaker embeddings) and silence the windows that are someone else.

Why windows and not resemblyzer's ``preprocess_wav``: that function trims silences, which would shift
every time in the dictation; here the audio keeps its length, so the transcript's word times and the
"another voice at 00:42-00:55" report still refer to the officer's own recording.

How a dictation is judged:
1. webrtcvad marks which 30 ms frames hold speech (silence is never "another voice").
2. The speech frames are joined into one stream and cut into windows of ``WINDOW_S`` seconds of speech
   every ``HOP_S`` seconds; each window is embedded and scored by cosine similarity with the
   voiceprint, and remembers which frames of the original recording it came from.
3. Each voiced frame takes the mean score of the windows covering it; frames below ``THRESHOLD``
   are another voice. Runs of them are merged across short pauses, padded so word edges go too,
   and replaced by silence.
"""
from __future__ import annotations

import threading
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np

from assistant.audio import SAMPLE_RATE

__all__ = [
    "THRESHOLD", "WINDOW_S", "HOP_S", "MIN_ENROL_SPEECH_S", "EMBEDDING_SIZE",
    "SpeakerError", "SpeakerCheck", "Window",
    "embed_voice", "enrolment", "check_speaker", "score_windows", "voiced_frames", "format_clock", "kept_spans",
]

# Cosine similarity below which a window is judged not to be the officer. Measured by
# benchmarks/speaker_threshold.py on ../shared/data/real_speech (11 speakers enrolled on ~20 s each,
# 1169 same-speaker and 17439 other-speaker 1.6 s windows): equal error rate 0.20% at 0.70; at 0.75
# false accept 0.01%, false reject 2.4%. 0.75 rather than the EER point because, judged frame by frame
# in 22 spliced dictations (officer / other speaker / officer), 0.70 let over half of one other voice
# through (min 45% removed) while 0.75 removed 99-100% of every one, at the cost of ~1 s of the
# officer's speech beside each cut (mean 10.9%, worst 30%). The officer is told about every cut;
# another person's words in a note are the worse error.
THRESHOLD = 0.75
# resemblyzer's encoder was trained on 1.6 s partial utterances; shorter windows score less reliably.
WINDOW_S = 1.6
HOP_S = 0.4
# Windows with less speech than this are not judged: a few voiced frames give a noisy embedding.
MIN_WINDOW_SPEECH_S = 0.8
# The enrolment passage must hold at least this much speech for a stable voiceprint.
MIN_ENROL_SPEECH_S = 10.0
# A recording with a second voice in it would enrol a blend of two people. Split into two groups,
# one voice's windows give centres with cosine 0.89-0.96 (4 LibriSpeech speakers, 7 synthetic
# recordings); two speakers 0.50-0.65. A second group holding 15% or more under 0.80 is refused.
SAME_VOICE_SPLIT = 0.80
MIN_SECOND_VOICE_SHARE = 0.15
EMBEDDING_SIZE = 256

VAD_FRAME_S = 0.03             # webrtcvad accepts 10, 20 or 30 ms frames
_VAD_SMOOTH_FRAMES = 5         # majority vote over ~150 ms so single clicks or gaps do not flip it
MERGE_GAP_S = 0.5              # two removed stretches this close are one interruption
EDGE_PAD_S = 0.15              # removed stretches grow by this much so word edges go with them
MIN_REMOVED_S = 0.3            # shorter dips are one unlucky window, not a voice
_TARGET_DBFS = -30.0           # resemblyzer's training loudness
_SPEECH_FLOOR_RMS = 10 ** (-55 / 20)
_MAX_SPEECH_FLATNESS = 0.3


class SpeakerError(ValueError):
    """Audio or voiceprint the speaker check cannot use (too little speech, wrong shape)."""


@dataclass
class Window:
    start: float
    end: float
    speech_s: float


@dataclass
class SpeakerCheck:
    enrolled: bool
    threshold: float
    kept: list[tuple[float, float]] = field(default_factory=list)      # seconds
    removed: list[tuple[float, float]] = field(default_factory=list)   # seconds, silenced
    scores: list[tuple[float, float, float]] = field(default_factory=list)  # (start, end, similarity)
    speech_s: float = 0.0          # seconds of speech found in the dictation

    def messages(self) -> list[str]:
        if not self.enrolled:
            return ["No voice enrolment for this officer: the whole recording was kept without checking "
                    "whose voice it is. Enrol once with: casenote enrol --officer ID AUDIO"]
        if self.speech_s == 0:
            return ["No speech was found in the recording."]
        return [f"another voice at {format_clock(a)}-{format_clock(b)} was left out" for a, b in self.removed]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["messages"] = self.messages()
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "SpeakerCheck":
        def pairs(key, n):
            return [tuple(x[:n]) for x in d.get(key, [])]
        return cls(enrolled=d["enrolled"], threshold=d["threshold"], kept=pairs("kept", 2),
                   removed=pairs("removed", 2), scores=pairs("scores", 3), speech_s=d.get("speech_s", 0.0))


def format_clock(seconds: float) -> str:
    """mm:ss (minutes grow past 59 rather than wrapping: dictations are capped well under an hour)."""
    s = int(round(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


# --- model -------------------------------------------------------------------------------------

_encoder = None
_encoder_lock = threading.Lock()


def _voice_encoder():
    """resemblyzer's VoiceEncoder, loaded once per process on the CPU (weights ship in the wheel)."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            from resemblyzer import VoiceEncoder
            _encoder = VoiceEncoder(device="cpu", verbose=False)
            _encoder.eval()
        return _encoder


def _as_samples(samples) -> np.ndarray:
    a = np.asarray(samples)
    if a.ndim != 1:
        raise SpeakerError(f"expected mono 16 kHz samples (a 1-D array), got shape {a.shape}")
    if not np.issubdtype(a.dtype, np.number):
        raise SpeakerError(f"expected numeric audio samples, got {a.dtype}")
    a = np.nan_to_num(a.astype(np.float32, copy=False), nan=0.0, posinf=0.0, neginf=0.0)
    return a


# --- voice activity ----------------------------------------------------------------------------

def voiced_frames(samples: np.ndarray) -> np.ndarray:
    """One bool per ``VAD_FRAME_S`` frame: does it hold speech? (webrtcvad, most aggressive mode)."""
    with warnings.catch_warnings():  # webrtcvad imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import webrtcvad
    n = int(VAD_FRAME_S * SAMPLE_RATE)
    count = len(samples) // n
    if count == 0:
        return np.zeros(0, dtype=bool)
    peak = float(np.max(np.abs(samples[: count * n]))) or 1.0
    # Scale up quiet recordings (never down) so the VAD sees a normal level; a whisper-quiet
    # officer should not be judged silent.
    gain = min(0.9 / peak, 10.0) if peak < 0.5 else 1.0
    pcm = np.clip(samples[: count * n] * gain * 32767, -32768, 32767).astype(np.int16)
    vad = webrtcvad.Vad(3)
    raw = np.array([vad.is_speech(pcm[i * n:(i + 1) * n].tobytes(), SAMPLE_RATE) for i in range(count)])
    # Frames quieter than -55 dBFS are room hiss or dither, never a voice worth judging.
    rms = np.sqrt(np.mean(samples[: count * n].reshape(count, n).astype(np.float64) ** 2, axis=1))
    raw &= rms > _SPEECH_FLOOR_RMS
    # webrtcvad calls steady broadband noise (a fan, hiss) speech; its spectrum is flat, a voice's is not.
    raw &= _spectral_flatness(samples[: count * n].reshape(count, n)) < _MAX_SPEECH_FLATNESS
    k = _VAD_SMOOTH_FRAMES
    return np.convolve(raw.astype(float), np.ones(k) / k, mode="same") >= 0.5


def _spectral_flatness(frames: np.ndarray) -> np.ndarray:
    """Geometric over arithmetic mean of each frame's power spectrum: near 1 for white noise."""
    power = np.abs(np.fft.rfft(frames * np.hanning(frames.shape[1]), axis=1)) ** 2 + 1e-12
    return np.exp(np.mean(np.log(power), axis=1)) / np.mean(power, axis=1)


# --- embeddings --------------------------------------------------------------------------------

_MEL_HOP = 160        # samples per mel frame (10 ms): resemblyzer's spectrogram step
_VAD_N = int(VAD_FRAME_S * SAMPLE_RATE)
_BATCH = 64          # windows per forward pass: bounds memory on long dictations


def _embed_mels(mels: np.ndarray) -> np.ndarray:
    """Unit-length embeddings of a (windows, frames, 40) stack of mel spectrograms."""
    import torch

    enc = _voice_encoder()
    out = np.zeros((len(mels), EMBEDDING_SIZE), dtype=np.float32)
    with torch.inference_mode():
        for i in range(0, len(mels), _BATCH):
            out[i:i + _BATCH] = enc(torch.from_numpy(np.ascontiguousarray(mels[i:i + _BATCH]))).numpy()
    return out


def _windows(samples: np.ndarray, voiced: np.ndarray, window_s: float, hop_s: float):
    """Windows of ``window_s`` seconds of *speech* and the original VAD frames each one covers.

    The voiced frames are joined into one speech-only stream (as resemblyzer's own trimming would),
    cut into equal windows every ``hop_s`` seconds of speech, and each window is mapped back to the
    frames of the original recording it came from. Equal windows mean one tensor shape, so the
    encoder runs as a few batched passes instead of one slow pass per window.
    """
    from resemblyzer.audio import wav_to_mel_spectrogram

    frames = np.flatnonzero(voiced)                      # original index of each speech frame
    if len(frames) * VAD_FRAME_S < MIN_WINDOW_SPEECH_S - 1e-9:
        return [], np.zeros((0, EMBEDDING_SIZE), dtype=np.float32), []
    stream = samples[: len(voiced) * _VAD_N].reshape(-1, _VAD_N)[frames].reshape(-1)
    win = int(round(window_s * SAMPLE_RATE / _MEL_HOP))   # in mel frames
    hop = max(1, int(round(hop_s * SAMPLE_RATE / _MEL_HOP)))
    n_real = len(stream)
    if n_real < win * _MEL_HOP:                           # a little speech: repeat it to fill one window
        stream = np.tile(stream, int(np.ceil(win * _MEL_HOP / n_real)))[: win * _MEL_HOP]
    mel = wav_to_mel_spectrogram(stream)
    last = len(mel) - win
    starts = list(range(0, last + 1, hop))
    if starts[-1] < last:
        starts.append(last)                               # the last window reaches the end of the speech
    windows, cover, mels = [], [], []
    for st in starts:
        a, b = st * _MEL_HOP, min((st + win) * _MEL_HOP, len(stream))
        # Loudness as resemblyzer was trained on: the mel is power, so it scales with gain squared.
        rms = float(np.sqrt(np.mean(stream[a:b].astype(np.float64) ** 2)))
        gain2 = (10 ** (_TARGET_DBFS / 20) / rms) ** 2 if rms > 1e-6 else 1.0
        mels.append(mel[st:st + win] * gain2)
        f0, f1 = min(a, n_real - 1) // _VAD_N, min(int(np.ceil(min(b, n_real) / _VAD_N)), len(frames))
        covered = frames[f0:max(f1, f0 + 1)]
        cover.append(covered)
        windows.append(Window(round(float(covered[0] * VAD_FRAME_S), 3), round(float((covered[-1] + 1) * VAD_FRAME_S), 3),
                              round(min(b, n_real) / SAMPLE_RATE - a / SAMPLE_RATE, 3)))
    return windows, _embed_mels(np.stack(mels).astype(np.float32)), cover


def score_windows(samples, voiceprint: np.ndarray | None = None, window_s: float = WINDOW_S,
                  hop_s: float = HOP_S, voiced: np.ndarray | None = None):
    """Embed every window of the speech in ``samples``.

    Returns (windows, embeddings, similarities); similarities is None without a voiceprint.
    Used by ``check_speaker`` and by benchmarks/speaker_threshold.py, so the threshold is measured
    on exactly the windows the check judges.
    """
    samples = _as_samples(samples)
    voiced = voiced_frames(samples) if voiced is None else voiced
    windows, emb, _ = _windows(samples, voiced, window_s, hop_s)
    sims = None if voiceprint is None else emb @ _check_voiceprint(voiceprint)
    return windows, emb, sims


def _check_voiceprint(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32).reshape(-1)
    if v.shape != (EMBEDDING_SIZE,) or not np.all(np.isfinite(v)) or np.linalg.norm(v) < 1e-6:
        raise SpeakerError(f"the stored voiceprint is not a {EMBEDDING_SIZE}-value speaker embedding; "
                           "enrol the officer again with: casenote enrol --officer ID AUDIO")
    return v / np.linalg.norm(v)


def enrolment(samples, min_speech_s: float = MIN_ENROL_SPEECH_S) -> tuple[np.ndarray, dict]:
    """Voiceprint of an enrolment recording, and what it was built from.

    The voiceprint is the unit-length mean of the window embeddings. Raises SpeakerError when the
    recording holds less than ``min_speech_s`` seconds of speech, or when its windows fall into two
    clearly different voices.
    Returns (voiceprint, {"speech_s", "windows", "consistency", "split_similarity"}), consistency
    being the share of windows that the finished voiceprint accepts.
    """
    samples = _as_samples(samples)
    voiced = voiced_frames(samples)
    speech_s = float(voiced.sum()) * VAD_FRAME_S
    if speech_s < min_speech_s:
        raise SpeakerError(
            f"the enrolment recording holds only {speech_s:.1f} s of speech; at least {min_speech_s:.0f} s "
            "is needed. Read the whole enrolment passage aloud in a quiet room and record it again.")
    _, emb, _ = score_windows(samples, voiced=voiced)
    if len(emb) == 0:
        raise SpeakerError("no stretch of the enrolment recording was long enough to recognise a voice; "
                           "read the passage at a steady pace without long pauses.")
    split_similarity, minority = _two_voice_split(emb)
    if split_similarity < SAME_VOICE_SPLIT and minority >= MIN_SECOND_VOICE_SHARE:
        raise SpeakerError(
            f"the enrolment recording seems to hold two voices (about {minority:.0%} of it sounds like someone "
            "else); record the passage again alone, in a quiet room, with nobody else speaking.")
    mean = emb.mean(axis=0)
    voiceprint = (mean / np.linalg.norm(mean)).astype(np.float32)
    consistency = float(np.mean(emb @ voiceprint >= THRESHOLD))
    return voiceprint, {"speech_s": round(speech_s, 2), "windows": int(len(emb)),
                        "consistency": round(consistency, 3), "split_similarity": round(split_similarity, 3)}


def _two_voice_split(emb: np.ndarray) -> tuple[float, float]:
    """Split the windows into two groups (k-means); return the cosine similarity of the two group
    centres and the smaller group's share. One voice splits into near-identical halves."""
    from sklearn.cluster import KMeans

    if len(emb) < 4:
        return 1.0, 0.0
    km = KMeans(n_clusters=2, n_init=3, random_state=0).fit(emb)
    c = km.cluster_centers_ / np.linalg.norm(km.cluster_centers_, axis=1, keepdims=True)
    return float(c[0] @ c[1]), float(np.bincount(km.labels_, minlength=2).min() / len(emb))


def embed_voice(samples, min_speech_s: float = MIN_ENROL_SPEECH_S) -> np.ndarray:
    """The voiceprint (unit vector) of a recording of one speaker; see ``enrolment`` for the checks."""
    return enrolment(samples, min_speech_s)[0]


# --- the check ---------------------------------------------------------------------------------

def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index pairs of the True runs of ``mask``."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def _removed_spans(voiced: np.ndarray, cover: list[np.ndarray], sims: np.ndarray, threshold: float,
                   dur: float) -> list[tuple[float, float]]:
    """The stretches (seconds, rounded to 10 ms) judged to be another voice."""
    # Each speech frame takes the mean score of the windows that cover it.
    total, count = np.zeros(len(voiced)), np.zeros(len(voiced))
    for frames, sim in zip(cover, sims):
        total[frames] += sim
        count[frames] += 1
    judged = voiced & (count > 0)
    other = judged & (total < threshold * np.maximum(count, 1))

    spans = []
    for a, b in _runs(other):
        a_s, b_s = a * VAD_FRAME_S, b * VAD_FRAME_S
        if spans and a_s - spans[-1][1] <= MERGE_GAP_S:
            spans[-1][1] = b_s
        else:
            spans.append([a_s, b_s])
    removed = []
    for a_s, b_s in spans:
        if b_s - a_s < MIN_REMOVED_S:
            continue
        a_s, b_s = max(0.0, a_s - EDGE_PAD_S), min(dur, b_s + EDGE_PAD_S)
        if removed and a_s <= removed[-1][1]:
            removed[-1] = (removed[-1][0], b_s)
        else:
            removed.append((a_s, b_s))

    # Rounded before silencing, so re-applying the stored report (as `casenote resume` does) gives
    # exactly the same samples.
    return [(round(float(a), 2), round(float(b), 2)) for a, b in removed]


def check_speaker(samples, voiceprint: np.ndarray | None,
                  threshold: float | None = None) -> tuple[np.ndarray, SpeakerCheck]:
    """Silence the parts of ``samples`` spoken by someone other than the voiceprint's owner.

    Returns the samples (same length, other voices replaced by zeros) and the report. Without a
    voiceprint the samples come back unchanged with ``enrolled=False`` and a warning message.
    """
    samples = _as_samples(samples)
    threshold = THRESHOLD if threshold is None else float(threshold)
    dur = round(len(samples) / SAMPLE_RATE, 3)
    if voiceprint is None:
        return samples, SpeakerCheck(enrolled=False, threshold=threshold, kept=[(0.0, dur)] if dur else [])
    vp = _check_voiceprint(voiceprint)
    voiced = voiced_frames(samples)
    windows, emb, cover = _windows(samples, voiced, WINDOW_S, HOP_S)
    sims = emb @ vp
    report = SpeakerCheck(enrolled=True, threshold=threshold, speech_s=round(float(voiced.sum()) * VAD_FRAME_S, 2),
                          scores=[(w.start, w.end, round(float(s), 4)) for w, s in zip(windows, sims)])

    report.removed = _removed_spans(voiced, cover, sims, threshold, dur)
    masked = samples.copy()
    for a_s, b_s in report.removed:
        masked[int(a_s * SAMPLE_RATE):int(np.ceil(b_s * SAMPLE_RATE))] = 0.0
    report.kept = kept_spans(report.removed, dur)
    return masked, report


def kept_spans(removed: list[tuple[float, float]], dur: float) -> list[tuple[float, float]]:
    """The stretches of a ``dur``-second recording outside the ``removed`` ones."""
    kept, t = [], 0.0
    for a, b in removed:
        if a > t:
            kept.append((round(t, 2), a))
        t = b
    if t < dur:
        kept.append((round(t, 2), float(dur)))
    return kept
